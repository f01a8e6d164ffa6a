/// What kernel-bench measures; the same list is sent to the Python peer.
struct BenchCase {
    enum Layout: String { case nn, nt }
    var label: String
    var m: Int, n: Int, k: Int
    var layout: Layout
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

enum BenchPlan {
    /// Square C = A·B.
    static let squares: [BenchCase] = [256, 512, 1024, 2048].map {
        BenchCase(label: "\($0)³ A·B", m: $0, n: $0, k: $0, layout: .nn)
    }
    /// A linear layer's forward Y = X·Wᵀ with W stored (out, in), as PyTorch stores it.
    static let linearShapes: [BenchCase] = [1, 8, 64, 256, 1024].flatMap { batch in
        [(784, 256), (256, 256), (256, 10)].map { input, output in
            BenchCase(label: "b\(batch) \(input)→\(output)", m: batch, n: output, k: input, layout: .nt)
        }
    }
    static let gemms = squares + linearShapes
    /// The relu MLP whose whole forward is timed.
    static let layers = [784, 256, 256, 10]
    static let forwardBatches = [1, 64, 1024]
    static let threadCounts = [1, 2]
}
