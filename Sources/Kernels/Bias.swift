/// Adds `bias[j]` to every row of the row-major `rows`×`columns` matrix `y`.
public func addBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for i in 0..<rows { for j in 0..<columns { y[i * columns + j] += bias[j] } }
}

/// `out[j] (+)= Σ_i x[i, j]`: the bias gradient from `dY`. Accumulates into `out` when
/// `accumulate` is true, otherwise overwrites it.
public func sumRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool) {
    if !accumulate { for j in 0..<columns { out[j] = 0 } }
    for i in 0..<rows { for j in 0..<columns { out[j] += x[i * columns + j] } }
}
