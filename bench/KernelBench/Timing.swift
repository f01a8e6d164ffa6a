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
func bestTime(minSeconds: Double, threadCPU: Bool = false, _ body: () -> Void) -> Double {
    let warmUpStart = now(threadCPU: false)
    body()
    let useCPU = threadCPU && now(threadCPU: false) - warmUpStart > 1e-3
    var best = Double.infinity, total = 0.0, runs = 0
    while total < minSeconds || runs < 5 {
        let start = now(threadCPU: useCPU)
        body()
        let seconds = now(threadCPU: useCPU) - start
        best = min(best, seconds)
        total += seconds
        runs += 1
    }
    return best
}

/// Seconds on the monotonic clock, or the calling thread's CPU clock.
private func now(threadCPU: Bool) -> Double {
    var t = timespec()
    clock_gettime(threadCPU ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
