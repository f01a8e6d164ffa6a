/// Pointers to two optional arrays' storage for the duration of `body` (an absent array stays
/// nil): a normalization's optional weight and bias handed to the vector loops.
func withOptionalPointers<R>(
    _ first: [Float]?, _ second: [Float]?, _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) throws -> R
) rethrows -> R {
    func withPointer<T>(_ array: [Float]?, _ use: (UnsafePointer<Float>?) throws -> T) rethrows -> T {
        guard let array else { return try use(nil) }
        return try array.withUnsafeBufferPointer { try use($0.baseAddress) }
    }
    return try withPointer(first) { a in try withPointer(second) { b in try body(a, b) } }
}
