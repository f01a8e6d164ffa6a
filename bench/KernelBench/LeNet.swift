import Kernels

/// LeNet (conv 1→6 k5 pad 2, relu, max pool 2, conv 6→16 k5, relu, max pool 2, flatten,
/// linear 400→120→84→10 with relu between) on our kernels only, every buffer allocated once:
/// the forward pass, and one training step (forward, cross-entropy, backward, SGD update).
final class LeNetKernels {
    let batch: Int
    let threads: Int
    let conv1: Conv2DGeometry, conv2: Conv2DGeometry
    let pool1: Pool2DGeometry, pool2: Pool2DGeometry
    static let widths = [400, 120, 84, 10]

    /// Parameters and their gradients, one flat buffer each, in PyTorch's order.
    private let parameters: [UnsafeMutableBufferPointer<Float>]
    private let gradients: [UnsafeMutablePointer<Float>]
    /// Activations: input, conv1 out (pre-relu), relu1, pool1, conv2, relu2, pool2 (= flatten),
    /// linear outputs (pre-activation and activated), logits.
    private let x, z1, a1, p1, z2, a2, p2: UnsafeMutablePointer<Float>
    private let linearZ: [UnsafeMutablePointer<Float>], linearA: [UnsafeMutablePointer<Float>]
    private let indices1, indices2: UnsafeMutablePointer<Int32>
    private let labels: UnsafeMutablePointer<Int32>
    /// Gradient scratch: two buffers as large as the largest activation, used alternately.
    private let gradA, gradB: UnsafeMutablePointer<Float>

    init(batch: Int, threads: Int) throws {
        (self.batch, self.threads) = (batch, threads)
        let c1 = try Conv2DOptions(inChannels: 1, outChannels: 6, kernelSize: Size2D(square: 5), padding: Size2D(square: 2))
        let c2 = try Conv2DOptions(inChannels: 6, outChannels: 16, kernelSize: Size2D(square: 5))
        let pool = try Pool2DOptions(kernelSize: Size2D(square: 2))
        conv1 = try Conv2DGeometry(c1, batch: batch, inputSize: Size2D(square: 28))
        pool1 = try Pool2DGeometry(pool, planes: batch * 6, inputSize: conv1.outputSize)
        conv2 = try Conv2DGeometry(c2, batch: batch, inputSize: pool1.outputSize)
        pool2 = try Pool2DGeometry(pool, planes: batch * 16, inputSize: conv2.outputSize)
        func buffer(_ count: Int, seed: UInt64) -> UnsafeMutableBufferPointer<Float> {
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            _ = b.initialize(from: uniform(count, seed: seed).map { $0 * 0.2 })
            return b
        }
        var shapes = [c1.weightCount, 6, c2.weightCount, 16]
        for l in 0..<3 { shapes += [Self.widths[l] * Self.widths[l + 1], Self.widths[l + 1]] }
        parameters = shapes.enumerated().map { buffer($1, seed: UInt64(40 + $0)) }
        gradients = shapes.map { buffer($0, seed: 0).baseAddress! }
        x = buffer(conv1.inputCount, seed: 5).baseAddress!
        (z1, a1) = (buffer(conv1.outputCount, seed: 0).baseAddress!, buffer(conv1.outputCount, seed: 0).baseAddress!)
        p1 = buffer(pool1.outputCount, seed: 0).baseAddress!
        (z2, a2) = (buffer(conv2.outputCount, seed: 0).baseAddress!, buffer(conv2.outputCount, seed: 0).baseAddress!)
        p2 = buffer(pool2.outputCount, seed: 0).baseAddress!
        linearZ = Self.widths.dropFirst().map { buffer(batch * $0, seed: 0).baseAddress! }
        linearA = Self.widths.dropFirst().map { buffer(batch * $0, seed: 0).baseAddress! }
        indices1 = .allocate(capacity: pool1.outputCount)
        indices2 = .allocate(capacity: pool2.outputCount)
        labels = .allocate(capacity: batch)
        for i in 0..<batch { labels[i] = Int32(i % 10) }
        (gradA, gradB) = (buffer(conv1.outputCount, seed: 0).baseAddress!, buffer(conv1.outputCount, seed: 0).baseAddress!)
    }

    deinit {
        for p in parameters { p.deallocate() }
        for p in gradients + [x, z1, a1, p1, z2, a2, p2, gradA, gradB] + linearZ + linearA { p.deallocate() }
        indices1.deallocate()
        indices2.deallocate()
        labels.deallocate()
    }

    private func weight(_ i: Int) -> UnsafeMutablePointer<Float> { parameters[i].baseAddress! }

    /// The forward pass; `training` keeps what backward needs (the pooling argmax).
    func forward(training: Bool) {
        conv2d(conv1, input: x, weight: weight(0), bias: weight(1), output: z1, threads: threads)
        applyActivation(.relu, x: z1, y: a1, count: conv1.outputCount)
        maxPool2d(pool1, input: a1, output: p1, indices: training ? indices1 : nil, threads: threads)
        conv2d(conv2, input: p1, weight: weight(2), bias: weight(3), output: z2, threads: threads)
        applyActivation(.relu, x: z2, y: a2, count: conv2.outputCount)
        maxPool2d(pool2, input: a2, output: p2, indices: training ? indices2 : nil, threads: threads)
        var source = UnsafePointer(p2)
        for l in 0..<3 {
            let (k, n) = (Self.widths[l], Self.widths[l + 1])
            gemm(
                .none, .transposed, m: batch, n: n, k: k, a: source, lda: k, b: weight(4 + 2 * l), ldb: k,
                c: linearZ[l], ldc: n, threads: threads)
            let f: Activation = l < 2 ? .relu : .identity
            addBiasAndActivate(weight(5 + 2 * l), to: linearZ[l], rows: batch, columns: n, activation: f, output: linearA[l])
            source = UnsafePointer(linearA[l])
        }
    }

    /// Forward, mean cross-entropy against fixed labels, backward, and `w −= lr·∇w`.
    func trainStep(learningRate: Float = 0.01) {
        forward(training: true)
        for (g, p) in zip(gradients, parameters) { g.update(repeating: 0, count: p.count) }
        _ = crossEntropyLoss(logits: linearA[2], labels: labels, rows: batch, classes: 10, gradient: gradA)
        var (dy, spare) = (gradA, gradB)
        for l in stride(from: 2, through: 0, by: -1) {
            let (k, n) = (Self.widths[l], Self.widths[l + 1])
            if l < 2 { activationBackward(.relu, x: linearZ[l], y: linearA[l], dy: dy, dx: dy, count: batch * n) }
            let input = l == 0 ? p2 : linearA[l - 1]
            gemm(
                .transposed, .none, m: n, n: k, k: batch, a: dy, lda: n, b: input, ldb: k, beta: 1,
                c: gradients[4 + 2 * l], ldc: k, threads: threads)
            sumRows(dy, rows: batch, columns: n, into: gradients[5 + 2 * l], accumulate: true)
            gemm(
                .none, .none, m: batch, n: k, k: n, a: dy, lda: n, b: weight(4 + 2 * l), ldb: k, c: spare, ldc: k,
                threads: threads)
            swap(&dy, &spare)
        }
        maxPool2dBackward(pool2, outputGradient: dy, indices: indices2, inputGradient: spare)
        activationBackward(.relu, x: z2, y: a2, dy: spare, dx: spare, count: conv2.outputCount)
        conv2dBackward(
            conv2, input: p1, weight: weight(2), outputGradient: spare, inputGradient: dy, weightGradient: gradients[2],
            biasGradient: gradients[3], threads: threads)
        maxPool2dBackward(pool1, outputGradient: dy, indices: indices1, inputGradient: spare)
        activationBackward(.relu, x: z1, y: a1, dy: spare, dx: spare, count: conv1.outputCount)
        conv2dBackward(
            conv1, input: x, weight: weight(0), outputGradient: spare, inputGradient: nil, weightGradient: gradients[0],
            biasGradient: gradients[1], threads: threads)
        for (g, p) in zip(gradients, parameters) { axpy(-learningRate, g, p.baseAddress!, count: p.count) }
    }
}
