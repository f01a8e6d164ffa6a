/// Best wall time of `body` in seconds: one warm-up, then runs until `minSeconds` have passed
/// and at least five were made. The best run is the least disturbed one on a shared machine;
/// bench/kernels/peer.py times the peers the same way.
func bestTime(minSeconds: Double, _ body: () -> Void) -> Double {
    body()
    let clock = ContinuousClock()
    var best = Double.infinity, total = 0.0, runs = 0
    while total < minSeconds || runs < 5 {
        let d = clock.measure(body)
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        best = min(best, seconds)
        total += seconds
        runs += 1
    }
    return best
}
