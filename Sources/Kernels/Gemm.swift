/// Whether a gemm operand is read as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Row-major single-precision matrix multiply: `C = alpha * op(A) * op(B) + beta * C`.
///
/// `op(A)` is m×k and `op(B)` is k×n; `lda`, `ldb`, `ldc` are row strides in elements
/// of the matrices as stored. With `beta == 0`, `C` is not read (NaN in `C` does not leak).
/// The three layouts a linear layer needs:
/// - forward `Y = X·Wᵀ`: `gemm(.none, .transposed, …)`
/// - input gradient `dX = dY·W`: `gemm(.none, .none, …)`
/// - weight gradient `dW += dYᵀ·X`: `gemm(.transposed, .none, …, beta: 1)`
/// - Complexity: O(m·n·k).
public func gemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let av = transA == .none ? a[i * lda + p] : a[p * lda + i]
                let bv = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                sum += av * bv
            }
            c[i * ldc + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * ldc + j]
        }
    }
}
