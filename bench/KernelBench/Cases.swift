import Kernels

/// One benchmarked case: how to time ours, what to ask the peer, and what it computes.
struct BenchCase {
    enum Kind {
        /// `C = A·B` (B stored k×n) or, `transposedB`, `C = A·Wᵀ` (W stored n×k).
        case gemm(m: Int, n: Int, k: Int, transposedB: Bool)
        /// Forward of the relu MLP with these layer widths.
        case forward(layers: [Int], batch: Int)
    }
    var label: String
    var kind: Kind

    var flops: Double {
        switch kind {
        case .gemm(let m, let n, let k, _): 2 * Double(m) * Double(n) * Double(k)
        case .forward(let layers, let batch):
            zip(layers, layers.dropFirst()).reduce(0) { $0 + 2 * Double(batch) * Double($1.0) * Double($1.1) }
        }
    }

    func peerRequest(threads: Int, minSeconds: Double) -> [String: Any] {
        switch kind {
        case .gemm(let m, let n, let k, let transposedB):
            ["kind": "gemm", "m": m, "n": n, "k": k, "layout": transposedB ? "nt" : "nn",
             "threads": threads, "min_seconds": minSeconds]
        case .forward(let layers, let batch):
            ["kind": "mlp", "layers": layers, "batch": batch, "threads": threads, "min_seconds": minSeconds]
        }
    }
}

enum BenchPlan {
    static let threadCounts = [1, 2]
    /// Square C = A·B.
    static let squares: [BenchCase] = [256, 512, 1024, 2048].map {
        BenchCase(label: "\($0)³ A·B", kind: .gemm(m: $0, n: $0, k: $0, transposedB: false))
    }
    /// A linear layer's forward Y = X·Wᵀ with W stored (out, in), as PyTorch stores it.
    static let linearShapes: [BenchCase] = [1, 8, 64, 256, 1024].flatMap { batch in
        [(784, 256), (256, 256), (256, 10)].map { input, output in
            BenchCase(label: "b\(batch) \(input)→\(output)", kind: .gemm(m: batch, n: output, k: input, transposedB: true))
        }
    }
    /// The whole forward of a 784-256-256-10 relu MLP.
    static let forwards: [BenchCase] = [1, 64, 256, 1024].map {
        BenchCase(label: "batch \($0)", kind: .forward(layers: [784, 256, 256, 10], batch: $0))
    }
}
