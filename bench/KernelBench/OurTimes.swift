import Kernels

/// Best times of our kernels for every case and thread count, keyed like the peer's results.
struct OurTimes {
    var gemm: [Int: [Double]] = [:]
    var mlp: [Int: [Double]] = [:]

    static func measure(minSeconds: Double) -> OurTimes {
        var result = OurTimes()
        for threads in BenchPlan.threadCounts {
            result.gemm[threads] = BenchPlan.gemms.map { gemmTime($0, threads: threads, minSeconds: minSeconds) }
            result.mlp[threads] = BenchPlan.forwardBatches.map {
                MLPForward(batch: $0, threads: threads).time(minSeconds: minSeconds)
            }
        }
        return result
    }

    static func gemmTime(_ c: BenchCase, threads: Int, minSeconds: Double) -> Double {
        let a = uniform(c.m * c.k, seed: 1)
        let b = uniform(c.k * c.n, seed: 2)
        var out = [Float](repeating: 0, count: c.m * c.n)
        let (transB, ldb): (Transpose, Int) = c.layout == .nn ? (.none, c.n) : (.transposed, c.k)
        return out.withUnsafeMutableBufferPointer { po in
            bestTime(minSeconds: minSeconds) {
                Kernels.gemm(.none, transB, m: c.m, n: c.n, k: c.k, a: a, lda: c.k, b: b, ldb: ldb,
                     c: po.baseAddress!, ldc: c.n, threads: threads)
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

/// The 784-256-256-10 relu MLP forward with our kernels only: per layer, gemm (X·Wᵀ), bias,
/// relu on the hidden layers. Buffers are allocated once, outside the timed loop.
struct MLPForward {
    var batch: Int
    var threads: Int

    func time(minSeconds: Double) -> Double {
        let layers = BenchPlan.layers
        let weights = (0..<layers.count - 1).map { uniform(layers[$0 + 1] * layers[$0], seed: UInt64(10 + $0)) }
        let biases = (0..<layers.count - 1).map { uniform(layers[$0 + 1], seed: UInt64(20 + $0)) }
        let input = uniform(batch * layers[0], seed: 3)
        var activations = layers.dropFirst().map { [Float](repeating: 0, count: batch * $0) }
        return bestTime(minSeconds: minSeconds) {
            for l in 0..<weights.count {
                let (fanIn, fanOut) = (layers[l], layers[l + 1])
                let source = l == 0 ? input : activations[l - 1]
                activations[l].withUnsafeMutableBufferPointer { y in
                    gemm(.none, .transposed, m: batch, n: fanOut, k: fanIn, a: source, lda: fanIn,
                         b: weights[l], ldb: fanIn, c: y.baseAddress!, ldc: fanOut, threads: threads)
                    addBias(biases[l], to: y.baseAddress!, rows: batch, columns: fanOut)
                    if l < weights.count - 1 {
                        applyActivation(.relu, x: y.baseAddress!, y: y.baseAddress!, count: batch * fanOut)
                    }
                }
            }
        }
    }
}
