/// `y[i] += alpha * x[i]`.
public func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += alpha * x[i] }
}

/// `x[i] *= alpha`.
public func scale(_ x: UnsafeMutablePointer<Float>, by alpha: Float, count: Int) {
    for i in 0..<count { x[i] *= alpha }
}

/// `Σ x[i]`, accumulated in Double.
public func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var s: Double = 0
    for i in 0..<count { s += Double(x[i]) }
    return Float(s)
}

/// `Σ x[i]·y[i]`.
public func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var s: Float = 0
    for i in 0..<count { s += x[i] * y[i] }
    return s
}
