import Kernels

/// Times our kernels on a case; operands are built once, outside the timed loop.
enum Ours {
    static func time(_ c: BenchCase, threads: Int, minSeconds: Double) -> Double {
        switch c.kind {
        case .gemm(let m, let n, let k, let transposedB):
            let a = uniform(m * k, seed: 1)
            let b = uniform(k * n, seed: 2)
            var out = [Float](repeating: 0, count: m * n)
            return out.withUnsafeMutableBufferPointer { po in
                bestTime(minSeconds: minSeconds, threadCPU: threads == 1) {
                    gemm(
                        .none, transposedB ? .transposed : .none, m: m, n: n, k: k, a: a, lda: k,
                        b: b, ldb: transposedB ? k : n, c: po.baseAddress!, ldc: n, threads: threads)
                }
            }
        case .forward(let layers, let batch):
            return MLPForward(layers: layers, batch: batch, threads: threads).time(minSeconds: minSeconds)
        case .conv(let batch, let inChannels, let outChannels, let size, let kernel, let padding):
            let options = try! Conv2DOptions(
                inChannels: inChannels, outChannels: outChannels, kernelSize: Size2D(square: kernel),
                padding: Size2D(square: padding))
            let geometry = try! Conv2DGeometry(options, batch: batch, inputSize: Size2D(square: size))
            let x = uniform(geometry.inputCount, seed: 1)
            let w = uniform(options.weightCount, seed: 2)
            let b = uniform(outChannels, seed: 3)
            var out = [Float](repeating: 0, count: geometry.outputCount)
            return out.withUnsafeMutableBufferPointer { po in
                bestTime(minSeconds: minSeconds, threadCPU: threads == 1) {
                    conv2d(geometry, input: x, weight: w, bias: b, output: po.baseAddress!, threads: threads)
                }
            }
        case .lenet(let batch, let training, model: false):
            let net = try! LeNetKernels(batch: batch, threads: threads)
            return bestTime(minSeconds: minSeconds, threadCPU: threads == 1) {
                if training { net.trainStep() } else { net.forward(training: false) }
            }
        case .lenet(let batch, let training, model: true):
            // A Model runs its kernels on every usable core whatever `threads` is: its 1T row is the
            // CPU time of all its threads (what it costs beside a one-thread peer), its 2T row wall time.
            let net = try! LeNetModel(batch: batch)
            return bestTime(minSeconds: minSeconds, processCPU: threads == 1) {
                if training { try! net.trainStep() } else { try! net.forward() }
            }
        }
    }
}

/// Uniform floats in [-1, 1) from a small LCG: benchmark data, not statistics.
func uniform(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) * 0x1p-23 - 1
    }
}

/// A relu MLP forward with our kernels only: per layer gemm (X·Wᵀ), then bias and relu in one
/// pass (`addBiasAndActivate`; bias only on the last layer). Activations are allocated once,
/// outside the timed loop.
struct MLPForward {
    var layers: [Int]
    var batch: Int
    var threads: Int

    func time(minSeconds: Double) -> Double {
        let weights = (0..<layers.count - 1).map { uniform(layers[$0 + 1] * layers[$0], seed: UInt64(10 + $0)) }
        let biases = (0..<layers.count - 1).map { uniform(layers[$0 + 1], seed: UInt64(20 + $0)) }
        let input = uniform(batch * layers[0], seed: 3)
        var activations = layers.dropFirst().map { [Float](repeating: 0, count: batch * $0) }
        return bestTime(minSeconds: minSeconds, threadCPU: threads == 1) {
            for l in 0..<weights.count {
                let (fanIn, fanOut) = (layers[l], layers[l + 1])
                let source = l == 0 ? input : activations[l - 1]
                activations[l].withUnsafeMutableBufferPointer { y in
                    gemm(
                        .none, .transposed, m: batch, n: fanOut, k: fanIn, a: source, lda: fanIn,
                        b: weights[l], ldb: fanIn, c: y.baseAddress!, ldc: fanOut, threads: threads)
                    if l < weights.count - 1 {
                        addBiasAndActivate(
                            biases[l], to: y.baseAddress!, rows: batch, columns: fanOut, activation: .relu,
                            output: y.baseAddress!)
                    } else {
                        addBias(biases[l], to: y.baseAddress!, rows: batch, columns: fanOut)
                    }
                }
            }
        }
    }
}
