import Foundation

/// The results table: GFLOP/s per source and thread count, then our speed over each peer's
/// (above 1: ours is faster).
enum Report {
    enum Source: CaseIterable { case ours, numpy, torch }

    struct Row {
        var benchCase: BenchCase
        /// Best seconds per source and thread count.
        var best: [Source: [Int: Double]] = [:]

        mutating func record(_ source: Source, _ threads: Int, _ seconds: Double) {
            best[source, default: [:]][threads] = min(best[source]?[threads] ?? .infinity, seconds)
        }
        func gflops(_ source: Source, _ threads: Int) -> Double? {
            best[source]?[threads].map { benchCase.flops / $0 / 1e9 }
        }
        func microseconds(_ source: Source, _ threads: Int) -> Double? { best[source]?[threads].map { $0 * 1e6 } }
        func speedup(over source: Source, _ threads: Int) -> Double? {
            guard let mine = best[.ours]?[threads], let theirs = best[source]?[threads] else { return nil }
            return theirs / mine
        }
    }

    static func print(_ rows: [Row]) {
        let threads = BenchPlan.threadCounts
        var header = pad("case", 16)
        for t in threads { header += pad("ours \(t)T", 9) + pad("numpy \(t)T", 10) + pad("torch \(t)T", 10) }
        for t in threads { header += pad("×numpy \(t)T", 11) + pad("×torch \(t)T", 11) }
        var section = ""
        for row in rows {
            let title: String
            var isForward = false
            switch row.benchCase.kind {
            case .conv, .gemm(64, 3136, 576, false):
                title = "conv2d forward (im2col + gemm + bias) beside its gemm, GFLOP/s"
            case .gemm(_, _, _, false): title = "gemm C = A·B, GFLOP/s"
            case .gemm(_, _, _, true): title = "linear layer Y = X·Wᵀ (W stored out×in), GFLOP/s"
            case .forward(let layers, _):
                title = "MLP \(layers.map(String.init).joined(separator: "-")) relu forward (gemm + bias + relu), µs per batch"
                isForward = true
            case .lenet:
                title = "LeNet on 28×28 (forward; SGD step: forward, cross-entropy, backward, update), µs per batch"
                isForward = true
            }
            if title != section {
                Swift.print("\n\(title)\n\(header)")
                section = title
            }
            var line = pad(row.benchCase.label, 16)
            for t in threads {
                for (source, width) in [(Source.ours, 9), (.numpy, 10), (.torch, 10)] {
                    let value = isForward ? row.microseconds(source, t) : row.gflops(source, t)
                    line += pad(value.map(format) ?? "—", width)
                }
            }
            for t in threads {
                for source in [Source.numpy, .torch] {
                    line += pad(row.speedup(over: source, t).map { String(format: "%.2f", $0) } ?? "—", 11)
                }
            }
            Swift.print(line)
        }
        Swift.print("\nbest of alternating runs; ×peer = our speed / peer's speed (> 1: ours faster)")
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
