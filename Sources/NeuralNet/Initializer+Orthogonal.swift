import Kernels

extension Initializer {
    /// The largest smaller side `orthogonal` accepts: its QR costs O(rows·cols·min²).
    static let orthogonalMaxSide = 2048

    /// `orthogonal_`: draw a rows×cols matrix from N(0, 1) (cols = elements/rows), transpose it
    /// when wide, take Q of its QR decomposition with R's diagonal made positive, transpose
    /// back, scale by `gain`. The positive-diagonal QR is unique, so this is PyTorch's Q up to
    /// rounding (PyTorch uses LAPACK Householder; this uses twice-iterated Gram–Schmidt in
    /// Double, which is as accurate for the full-rank matrices a normal draw gives).
    func orthogonal(_ t: inout Tensor, _ gain: Double, _ path: String, _ g: inout PyTorchGenerator) throws {
        guard t.rank >= 2 else {
            throw NeuralNetError.initializerNotApplicable(
                path: path, initializer: name, reason: "it needs a tensor with at least 2 dimensions, and '\(path)' has shape \(formatShape(t.shape))")
        }
        let rows = t.shape[0]
        let cols = t.count / max(rows, 1)
        guard min(rows, cols) <= Self.orthogonalMaxSide else {
            throw NeuralNetError.initializerNotApplicable(
                path: path, initializer: name,
                reason: "its QR decomposition is limited to matrices whose smaller side is at most \(Self.orthogonalMaxSide), and '\(path)' has shape \(formatShape(t.shape))")
        }
        t.withUnsafeMutableScalars { g.fillNormal($0, mean: 0, std: 1) }
        // Work on a tall m×n matrix stored by columns: column j of the (maybe transposed) draw.
        let wide = rows < cols
        let (m, n) = wide ? (cols, rows) : (rows, cols)
        var columns = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        t.withUnsafeScalars { p in
            for r in 0..<rows {
                for c in 0..<cols {
                    if wide { columns[r][c] = Double(p[r * cols + c]) } else { columns[c][r] = Double(p[r * cols + c]) }
                }
            }
        }
        for j in 0..<n {
            for _ in 0..<2 {
                for i in 0..<j {
                    var d = 0.0
                    for k in 0..<m { d += columns[i][k] * columns[j][k] }
                    for k in 0..<m { columns[j][k] -= d * columns[i][k] }
                }
            }
            var norm = 0.0
            for k in 0..<m { norm += columns[j][k] * columns[j][k] }
            norm = norm.squareRoot()
            if norm > 0 { for k in 0..<m { columns[j][k] /= norm } }
        }
        t.withUnsafeMutableScalars { p in
            for r in 0..<rows {
                for c in 0..<cols {
                    let q = wide ? columns[r][c] : columns[c][r]
                    p[r * cols + c] = Float(q * gain)
                }
            }
        }
    }
}
