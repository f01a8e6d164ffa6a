#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where two equally long Float32 arrays differ, for storing only what a write changed.
enum FloatRun {
    /// Elements compared a block at a time with `memcmp` before the one block that differs is
    /// searched element by element: the scan runs at memory speed, so finding the changed
    /// element of a 64 MB tensor costs a few milliseconds, not the element loop's tens.
    private static let block = 4096

    /// The smallest range holding every element whose bits differ (so -0 and 0, or two NaNs
    /// of different payloads, count as changes); nil when none does.
    /// - Precondition: equal counts.
    static func differing(_ old: [Float], _ new: [Float]) -> Range<Int>? {
        precondition(old.count == new.count, "runs compare tensors of one shape")
        return old.withUnsafeBytes { a in
            new.withUnsafeBytes { b -> Range<Int>? in
                let count = old.count
                func differs(_ start: Int, _ length: Int) -> Bool {
                    memcmp(a.baseAddress! + start * 4, b.baseAddress! + start * 4, length * 4) != 0
                }
                func bits(_ buffer: UnsafeRawBufferPointer, _ index: Int) -> UInt32 {
                    buffer.load(fromByteOffset: index * 4, as: UInt32.self)
                }
                var first = 0
                while first < count && !differs(first, min(block, count - first)) { first += block }
                guard first < count else { return nil }
                while bits(a, first) == bits(b, first) { first += 1 }
                var end = count
                while end - first > block && !differs(end - block, block) { end -= block }
                while bits(a, end - 1) == bits(b, end - 1) { end -= 1 }
                return first..<end
            }
        }
    }
}
