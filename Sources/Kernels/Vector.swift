import CKernels

/// `y[i] += alpha * x[i]`.
/// - Complexity: O(count), 8 lanes at a time (one rounding per product and sum, as a scalar
///   loop, or a fused multiply-add on AVX2/FMA machines).
public func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    axpy(alpha, x, y, count: count, isa: .detected)
}

func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, isa: InstructionSet) {
    precondition(count >= 0, "axpy: negative count \(count)")
    ck_axpy(isa.cValue, alpha, x, y, count)
}

/// `x[i] *= alpha`.
/// - Complexity: O(count).
public func scale(_ x: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
    scale(x, by: alpha, count: count, isa: .detected)
}

func scale(_ x: UnsafeMutablePointer<Float>, by alpha: Float, count: Int, isa: InstructionSet) {
    precondition(count >= 0, "scale: negative count \(count)")
    ck_scale(isa.cValue, x, alpha, count)
}

/// `Σ x[i]`, accumulated in Double (8 lanes in a fixed order).
/// - Complexity: O(count).
public func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    sum(x, count: count, isa: .detected)
}

func sum(_ x: UnsafePointer<Float>, count: Int, isa: InstructionSet) -> Float {
    precondition(count >= 0, "sum: negative count \(count)")
    return Float(ck_sum(isa.cValue, x, count))
}

/// `Σ x[i]·y[i]` in Float, 32 lanes in a fixed order: compare with a tolerance, not a scalar loop.
/// - Complexity: O(count).
public func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    dot(x, y, count: count, isa: .detected)
}

func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int, isa: InstructionSet) -> Float {
    precondition(count >= 0, "dot: negative count \(count)")
    return ck_dot(isa.cValue, x, y, count)
}

/// The index of the first NaN or infinity, or nil when every value is finite.
/// - Complexity: O(count), vectorized: it checks whole blocks for one before looking for where.
public func firstNonFinite(_ x: UnsafePointer<Float>, count: Int) -> Int? {
    precondition(count >= 0, "firstNonFinite: negative count \(count)")
    let index = ck_first_nonfinite(x, count)
    return index < 0 ? nil : index
}

/// The index of the first NaN or infinity in `values`, or nil when every value is finite.
public func firstNonFinite(_ values: [Float]) -> Int? {
    values.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return nil }
        return firstNonFinite(base, count: buffer.count)
    }
}
