import Foundation

/// The results table. Ratios are our speed over the peer's: above 1 we are faster.
enum Report {
    static func print(ours: OurTimes, peer: PeerResults?) {
        let threads = BenchPlan.threadCounts
        var header = pad("case", 18)
        for t in threads { header += pad("ours \(t)T", 10) + pad("numpy \(t)T", 10) + pad("torch \(t)T", 10) }
        for t in threads { header += pad("×np \(t)T", 9) + pad("×torch \(t)T", 11) }
        Swift.print("\ngemm, GFLOP/s (best run)")
        Swift.print(header)
        for (index, c) in BenchPlan.gemms.enumerated() {
            if index == BenchPlan.squares.count { Swift.print("linear forward Y = X·Wᵀ, GFLOP/s") }
            row(c.label, threads: threads, unit: { c.flops / $0 / 1e9 }) { source, t in
                switch source {
                case .ours: ours.gemm[t]?[index]
                case .numpy: peer?.numpy["\(t)"]?.gemm[safe: index]
                case .torch: peer?.torch["\(t)"]?.gemm[safe: index]
                }
            }
        }
        Swift.print("\nMLP \(BenchPlan.layers.map(String.init).joined(separator: "-")) relu forward, µs per batch (lower is better)")
        Swift.print(header)
        for (index, batch) in BenchPlan.forwardBatches.enumerated() {
            row("batch \(batch)", threads: threads, unit: { $0 * 1e6 }) { source, t in
                switch source {
                case .ours: ours.mlp[t]?[index]
                case .numpy: peer?.numpy["\(t)"]?.mlp[safe: index]
                case .torch: peer?.torch["\(t)"]?.mlp[safe: index]
                }
            }
        }
    }

    enum Source { case ours, numpy, torch }

    /// One line: each source's figure per thread count, then our speed over each peer's.
    static func row(
        _ label: String, threads: [Int], unit: (Double) -> Double,
        seconds: (Source, Int) -> Double?
    ) {
        var line = pad(label, 18)
        for t in threads {
            for source in [Source.ours, .numpy, .torch] {
                line += pad(seconds(source, t).map { format(unit($0)) } ?? "—", 10)
            }
        }
        for t in threads {
            let mine = seconds(.ours, t)
            for (source, width) in [(Source.numpy, 9), (.torch, 11)] {
                let ratio = mine.flatMap { m in seconds(source, t).map { $0 / m } }
                line += pad(ratio.map { String(format: "%.2f", $0) } ?? "—", width)
            }
        }
        Swift.print(line)
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
