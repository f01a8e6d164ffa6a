import Foundation

/// Best time of `body` in seconds: one warm-up, then runs until `minSeconds` have passed and at
/// least five were made. The best run is the least disturbed one on a shared machine;
/// bench/kernels/peer.py times the peers the same way.
///
/// `threadCPU` (single-thread cases) measures the calling thread's CPU time instead of wall time
/// once a run takes over 1 ms: on a machine with more runnable threads than cores, the scheduler
/// cuts any run longer than its time slice (≈ 3 ms here), so every wall-clock run of
/// b1024 784→256 (4.5 ms) included a wait of about its own length and no best-of could recover
/// its speed (it showed 37–41 GFLOP/s, ours and the peers' alike). CPU time leaves the wait out.
/// Shorter runs keep wall time: reading the thread CPU clock is a system call, which would
/// dominate a microsecond gemm. Multi-thread cases keep wall time.
///
/// `processCPU` measures the CPU time of every thread of the process: the cost of a run that
/// spreads over threads it does not control (a `Model`), comparable with a one-thread peer's.
func bestTime(minSeconds: Double, threadCPU: Bool = false, processCPU: Bool = false, _ body: () -> Void) -> Double {
    let warmUpStart = now(threadCPU: false)
    body()
    let useCPU = (threadCPU || processCPU) && now(threadCPU: false) - warmUpStart > 1e-3
    var best = Double.infinity, total = 0.0, runs = 0
    while total < minSeconds || runs < 5 {
        let start = now(threadCPU: useCPU, process: processCPU)
        body()
        let seconds = now(threadCPU: useCPU, process: processCPU) - start
        best = min(best, seconds)
        total += seconds
        runs += 1
    }
    return best
}

/// Seconds on the monotonic clock, or the calling thread's (or with `process`, the process's) CPU clock.
private func now(threadCPU: Bool, process: Bool = false) -> Double {
    var t = timespec()
    clock_gettime(threadCPU ? (process ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID) : CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
