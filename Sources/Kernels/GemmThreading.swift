import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a gemm is cut into per-thread blocks of C.
struct GemmSplit: Equatable {
    /// Number of blocks (1: run on the calling thread).
    var parts: Int
    /// Whether blocks are bands of rows (else bands of columns).
    var byRows: Bool
    /// Rows or columns per block, a multiple of the plan's alignment so every register tile
    /// sits where it would in a single-threaded run.
    var chunk: Int
}

enum GemmThreading {
    /// Online CPUs, read once.
    static let maxThreads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Below this many flops waking a second thread costs more than it saves (kernel-bench).
    static let minFlopsPerThread = 1_000_000

    /// The split `gemm` uses for this shape.
    static func split(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, isa: InstructionSet, threads: Int,
        minFlopsPerThread: Int = minFlopsPerThread
    ) -> GemmSplit {
        let plan = ck_sgemm_plan(isa.cValue, transA == .none ? 0 : 1, transB == .none ? 0 : 1, m, n, k)
        return split(m: m, n: n, k: k, plan: plan, threads: threads, minFlopsPerThread: minFlopsPerThread)
    }

    static func split(
        m: Int, n: Int, k: Int, plan: ck_gemm_plan, threads: Int, minFlopsPerThread: Int = minFlopsPerThread
    ) -> GemmSplit {
        let flops = 2 * m * n * max(k, 1)
        var parts = min(threads, flops / max(minFlopsPerThread, 1))
        // Cut the longer side: each thread then repacks only the smaller operand's panel.
        let byRows = m > n
        let extent = byRows ? m : n
        let align = Int(byRows ? plan.row_align : plan.col_align)
        let units = (extent + align - 1) / align
        parts = min(parts, units)
        guard parts > 1 else { return GemmSplit(parts: 1, byRows: byRows, chunk: extent) }
        let chunk = (units + parts - 1) / parts * align
        return GemmSplit(parts: (extent + chunk - 1) / chunk, byRows: byRows, chunk: chunk)
    }
}
