import CKernels

/// How a gemm is cut into per-thread blocks of C.
struct GemmSplit: Equatable {
    /// Number of blocks (1: run on the calling thread).
    var parts: Int
    /// Whether blocks are bands of rows (else bands of columns).
    var byRows: Bool
    /// Rows or columns per block, a multiple of the plan's alignment so every register tile
    /// sits where it would in a single-threaded run.
    var chunk: Int
    /// Whether op(A) is packed once up front and shared by the column blocks (packed algorithm
    /// cut by columns), instead of every block packing all of A again.
    var sharesPackedA = false
}

enum GemmThreading {
    /// Cores this process may use, read once: the affinity mask and a cgroup cpu.max quota, not
    /// the online count, so a server pinned by `taskset` to one core (or a container limited to
    /// one CPU) does not cut every gemm into parts that then time-slice that core.
    static let maxThreads: Int = usableCores()

    /// Below this many flops waking a second thread costs more than it saves (kernel-bench).
    static let minFlopsPerThread = 1_000_000

    /// The split `gemm` uses for this shape.
    static func split(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, isa: InstructionSet,
        avx512: Bool = InstructionSet.gemmAVX512, threads: Int, minFlopsPerThread: Int = minFlopsPerThread
    ) -> GemmSplit {
        let plan = ck_sgemm_plan(
            isa.gemmValue(avx512: avx512), transA == .none ? 0 : 1, transB == .none ? 0 : 1, m, n, k)
        return split(m: m, n: n, k: k, plan: plan, threads: threads, minFlopsPerThread: minFlopsPerThread)
    }

    static func split(
        m: Int, n: Int, k: Int, plan: ck_gemm_plan, threads: Int, minFlopsPerThread: Int = minFlopsPerThread
    ) -> GemmSplit {
        // In Double: m·n·k of a huge (if absurd) shape would overflow Int.
        let flops = 2 * Double(m) * Double(n) * Double(max(k, 1))
        // Up to two blocks per thread when every core may be used: dispatch hands blocks to
        // whichever thread is free, so a thread the OS delays costs less. A smaller budget is a cap.
        let budget = threads > 1 && threads >= maxThreads ? 2 * threads : threads
        var parts = min(budget, Int(min(flops / Double(max(minFlopsPerThread, 1)), Double(Int32.max))))
        // The packed algorithm cuts columns and shares one packed A; only for a narrow C (where
        // each block repacking B is cheap) does it cut rows. The in-place paths cut the longer side.
        let packed = plan.algo == CK_GEMM_PACKED || plan.algo == CK_GEMM_PACKED_BT
        let byRows = packed ? (n < 64 && m > n) : m > n
        let extent = byRows ? m : n
        let align = Int(byRows ? plan.row_align : plan.col_align)
        let units = (extent + align - 1) / align
        parts = min(parts, units)
        guard parts > 1 else { return GemmSplit(parts: 1, byRows: byRows, chunk: extent) }
        let chunk = (units + parts - 1) / parts * align
        return GemmSplit(
            parts: (extent + chunk - 1) / chunk, byRows: byRows, chunk: chunk, sharesPackedA: packed && !byRows)
    }
}
