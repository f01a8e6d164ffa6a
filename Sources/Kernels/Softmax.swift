#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-wise softmax of a `rows`×`columns` matrix, max-subtracted for stability. `x` may alias `y`.
public func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for i in 0..<rows {
        let r = i * columns
        var m = -Float.infinity
        for j in 0..<columns { m = max(m, x[r + j]) }
        var s: Float = 0
        for j in 0..<columns { let e = expf(x[r + j] - m); y[r + j] = e; s += e }
        for j in 0..<columns { y[r + j] /= s }
    }
}

/// Row-wise log-softmax: `y = x - max - log Σ exp(x - max)`. `x` may alias `y`.
public func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for i in 0..<rows {
        let r = i * columns
        var m = -Float.infinity
        for j in 0..<columns { m = max(m, x[r + j]) }
        var s: Float = 0
        for j in 0..<columns { s += expf(x[r + j] - m) }
        let l = m + logf(s)
        for j in 0..<columns { y[r + j] = x[r + j] - l }
    }
}

/// Backward of row-wise softmax given its output `y`: `dx = y ⊙ (dy − Σ_j dy·y)`. `dx` may alias `dy`.
public func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for i in 0..<rows {
        let r = i * columns
        var d: Float = 0
        for j in 0..<columns { d += dy[r + j] * y[r + j] }
        for j in 0..<columns { dx[r + j] = y[r + j] * (dy[r + j] - d) }
    }
}
