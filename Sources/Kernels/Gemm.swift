import CKernels
import Dispatch

/// Whether a gemm operand is read as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed
}

/// Row-major single-precision matrix multiply: `C = alpha * op(A) * op(B) + beta * C`.
///
/// `op(A)` is m×k and `op(B)` is k×n; `lda`, `ldb`, `ldc` are row strides in elements
/// of the matrices as stored. With `beta == 0`, `C` is not read (NaN in `C` does not leak).
/// As in BLAS, with `alpha == 0` or `k == 0` A and B are not read and `C = beta * C`.
/// The three layouts a linear layer needs:
/// - forward `Y = X·Wᵀ`: `gemm(.none, .transposed, …)`
/// - input gradient `dX = dY·W`: `gemm(.none, .none, …)`
/// - weight gradient `dW += dYᵀ·X`: `gemm(.transposed, .none, …, beta: 1)`
///
/// Large shapes run on every core, each thread computing its own block of `C` over the whole
/// depth, so the result is bit-identical for any thread count.
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
    gemm(
        transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
        beta: beta, c: c, ldc: ldc, isa: .detected, threads: GemmThreading.maxThreads)
}

/// `gemm` on at most `threads` threads (1: the calling thread only). Results are bit-identical
/// to the default entry point's whatever `threads` is.
public func gemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    threads: Int
) {
    precondition(threads >= 1, "gemm: threads must be at least 1, got \(threads)")
    gemm(
        transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
        beta: beta, c: c, ldc: ldc, isa: .detected, threads: threads)
}

/// `gemm` with the instruction set and the thread budget chosen by the caller (tests force the
/// portable path, AVX2 or AVX-512, and compare thread counts).
func gemm(
    _ transA: Transpose, _ transB: Transpose,
    m: Int, n: Int, k: Int,
    alpha: Float,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    isa: InstructionSet, avx512: Bool = InstructionSet.gemmAVX512, threads: Int,
    minFlopsPerThread: Int = GemmThreading.minFlopsPerThread
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative dimension m=\(m) n=\(n) k=\(k)")
    precondition(ldc >= n, "gemm: ldc \(ldc) < n \(n)")
    precondition(lda >= (transA == .none ? k : m), "gemm: lda \(lda) too small")
    precondition(ldb >= (transB == .none ? n : k), "gemm: ldb \(ldb) too small")
    guard m > 0, n > 0 else { return }
    let ta: Int32 = transA == .none ? 0 : 1
    let tb: Int32 = transB == .none ? 0 : 1
    let cISA = isa.gemmValue(avx512: avx512)
    let plan = ck_sgemm_plan(cISA, ta, tb, m, n, k)
    let split = GemmThreading.split(
        m: m, n: n, k: k, plan: plan, threads: threads, minFlopsPerThread: minFlopsPerThread)
    guard split.parts > 1 else {
        ck_sgemm(cISA, plan, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    // Pointers cross into the workers as addresses: each worker writes a disjoint block of C
    // (or of the shared packed A).
    let (aAddress, bAddress, cAddress) = (Int(bitPattern: a), Int(bitPattern: b), Int(bitPattern: c))
    if split.sharesPackedA && k > 0 && alpha != 0 {
        let packed = ck_shared_pack_buffer(ck_sgemm_packed_a_size(plan, m, k))!
        let packedAddress = Int(bitPattern: packed)
        // Packed on the calling thread: O(m·k) against each band's O(m·k·n/bands), and one
        // dispatch round instead of two (a parked worker can be slow to wake on a busy machine).
        ck_sgemm_pack_a_rows(cISA, plan, ta, m, k, 0, m, a, lda, packed)
        DispatchQueue.concurrentPerform(iterations: split.parts) { part in
            let start = part * split.chunk
            let count = min(split.chunk, n - start)
            guard count > 0 else { return }
            let b = UnsafePointer<Float>(bitPattern: bAddress)!
            ck_sgemm_prepacked_a(
                cISA, plan, tb, m, count, k, alpha, UnsafePointer<Float>(bitPattern: packedAddress)!,
                tb == 0 ? b + start : b + start * ldb, ldb, beta, UnsafeMutablePointer<Float>(bitPattern: cAddress)! + start,
                ldc)
        }
        return
    }
    DispatchQueue.concurrentPerform(iterations: split.parts) { part in
        let start = part * split.chunk
        let count = min(split.chunk, (split.byRows ? m : n) - start)
        guard count > 0 else { return }
        let a = UnsafePointer<Float>(bitPattern: aAddress)!
        let b = UnsafePointer<Float>(bitPattern: bAddress)!
        let c = UnsafeMutablePointer<Float>(bitPattern: cAddress)!
        if split.byRows {
            ck_sgemm(
                cISA, plan, ta, tb, count, n, k, alpha, ta == 0 ? a + start * lda : a + start, lda,
                b, ldb, beta, c + start * ldc, ldc)
        } else {
            ck_sgemm(
                cISA, plan, ta, tb, m, count, k, alpha, a, lda, tb == 0 ? b + start : b + start * ldb,
                ldb, beta, c + start, ldc)
        }
    }
}
