import Kernels

/// One benchmarked case: how to time ours, what to ask the peer, and what it computes.
struct BenchCase {
    enum Kind {
        /// `C = A·B` (B stored k×n) or, `transposedB`, `C = A·Wᵀ` (W stored n×k).
        case gemm(m: Int, n: Int, k: Int, transposedB: Bool)
        /// Forward of the relu MLP with these layer widths.
        case forward(layers: [Int], batch: Int)
        /// conv2d forward of a batch of square images, `kernel`×`kernel`, stride 1.
        case conv(batch: Int, inChannels: Int, outChannels: Int, size: Int, kernel: Int, padding: Int)
        /// LeNet's forward pass, or one SGD training step (forward, cross-entropy, backward, update):
        /// as a paramd `Model` (`model`), or as bare kernel calls on buffers allocated once.
        case lenet(batch: Int, training: Bool, model: Bool)
    }
    var label: String
    var kind: Kind

    var flops: Double {
        switch kind {
        case .gemm(let m, let n, let k, _): 2 * Double(m) * Double(n) * Double(k)
        case .forward(let layers, let batch):
            zip(layers, layers.dropFirst()).reduce(0) { $0 + 2 * Double(batch) * Double($1.0) * Double($1.1) }
        case .conv(let batch, let inChannels, let outChannels, let size, let kernel, let padding):
            Double(
                2 * batch * outChannels * inChannels * kernel * kernel * (size + 2 * padding - kernel + 1)
                    * (size + 2 * padding - kernel + 1))
        case .lenet(let batch, let training, _):
            // Multiply-adds of the two convolutions and three linear layers; a step about triples them.
            Double(batch * (training ? 3 : 1)) * Self.lenetForwardFlops
        }
    }

    /// One image through LeNet: 2 × (conv1 6·784·25 + conv2 16·100·150 + 400·120 + 120·84 + 84·10).
    static let lenetForwardFlops = 2.0 * Double(6 * 784 * 25 + 16 * 100 * 150 + 400 * 120 + 120 * 84 + 84 * 10)

    func peerRequest(threads: Int, minSeconds: Double) -> [String: Any] {
        switch kind {
        case .gemm(let m, let n, let k, let transposedB):
            [
                "kind": "gemm", "m": m, "n": n, "k": k, "layout": transposedB ? "nt" : "nn",
                "threads": threads, "min_seconds": minSeconds
            ]
        case .forward(let layers, let batch):
            ["kind": "mlp", "layers": layers, "batch": batch, "threads": threads, "min_seconds": minSeconds]
        case .conv(let batch, let inChannels, let outChannels, let size, let kernel, let padding):
            [
                "kind": "conv", "batch": batch, "in_channels": inChannels, "out_channels": outChannels, "size": size,
                "kernel": kernel, "padding": padding, "threads": threads, "min_seconds": minSeconds
            ]
        case .lenet(let batch, let training, _):
            ["kind": "lenet", "batch": batch, "training": training, "threads": threads, "min_seconds": minSeconds]
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
    /// A ResNet stage's 3×3 convolution, 64→64 channels on 56×56, beside the gemm it reduces to
    /// (64 × 576 weight times the 576 × 3136 im2col matrix): the gemm's own rate on that shape.
    static let convolutions: [BenchCase] = [
        BenchCase(label: "conv 3×3 64→64 56²", kind: .conv(batch: 1, inChannels: 64, outChannels: 64, size: 56, kernel: 3, padding: 1)),
        BenchCase(label: "conv gemm 64×3136×576", kind: .gemm(m: 64, n: 3136, k: 576, transposedB: false))
    ]
    /// LeNet on 28×28 images, as a `Model` and as bare kernels.
    static let lenets: [BenchCase] = [true, false].flatMap { model in
        let source = model ? "model" : "kernels"
        return [
            BenchCase(label: "\(source) fwd b1", kind: .lenet(batch: 1, training: false, model: model)),
            BenchCase(label: "\(source) fwd b64", kind: .lenet(batch: 64, training: false, model: model)),
            BenchCase(label: "\(source) step b64", kind: .lenet(batch: 64, training: true, model: model))
        ]
    }
}
