import Testing

@testable import Kernels

/// conv2d and its gradients against PyTorch's float64 results (WindowFixtures), on both
/// instruction sets, one and several threads, and in bands of output rows.
struct Conv2DTests {
    /// float32 rounding over sums of up to a few thousand products, relative to the tensor's scale.
    static let tolerance = 1e-5

    struct Run: CustomStringConvertible {
        let isa: InstructionSet
        let threads: Int
        /// 1: a band per output row (and per row of im2col), so every band boundary is crossed.
        let columnsBudget: Int
        var description: String { "\(isa) threads \(threads) budget \(columnsBudget)" }
    }

    static let runs: [Run] = runnableInstructionSets.flatMap { isa in
        [Run(isa: isa, threads: 1, columnsBudget: Conv2DPlan.defaultColumnsBudget), Run(isa: isa, threads: 3, columnsBudget: 1)]
    }

    @Test("forward equals PyTorch's within float32 rounding", arguments: WindowFixtures.conv, runs)
    func forward(case c: WindowFixtures.Conv, run: Run) throws {
        let g = try c.geometry()
        #expect([g.batch, g.options.outChannels, g.outputSize.height, g.outputSize.width] == c.output_shape)
        var y = [Float](repeating: .nan, count: g.outputCount)
        conv2d(
            g, input: c.input, weight: c.weight, bias: c.bias, output: &y, isa: run.isa, threads: run.threads,
            columnsBudget: run.columnsBudget)
        #expect(relativeError(y, c.output) <= Self.tolerance)
    }

    @Test("gradients equal PyTorch's; weight and bias gradients accumulate", arguments: WindowFixtures.conv, runs)
    func backward(case c: WindowFixtures.Conv, run: Run) throws {
        let g = try c.geometry()
        var dx = [Float](repeating: .nan, count: g.inputCount)
        var dw = [Float](repeating: 1, count: g.options.weightCount)
        var db = [Float](repeating: 1, count: g.options.outChannels)
        let dy = c.output_gradient.map { Float($0) }
        db.withUnsafeMutableBufferPointer { dbp in
            conv2dBackward(
                g, input: c.input, weight: c.weight, outputGradient: dy, inputGradient: &dx, weightGradient: &dw,
                biasGradient: c.bias == nil ? nil : dbp.baseAddress, isa: run.isa, threads: run.threads,
                columnsBudget: run.columnsBudget)
        }
        #expect(relativeError(dx, c.input_gradient) <= Self.tolerance)
        #expect(relativeError(dw.map { $0 - 1 }, c.weight_gradient) <= Self.tolerance)
        if let expected = c.bias_gradient {
            #expect(relativeError(db.map { $0 - 1 }, expected) <= Self.tolerance)
        } else {
            #expect(db == [Float](repeating: 1, count: g.options.outChannels))
        }
    }

    @Test("results are bit-identical for any thread count")
    func threadInvariance() throws {
        let options = try Conv2DOptions(inChannels: 8, outChannels: 16, kernelSize: Size2D(square: 3), padding: Size2D(square: 1))
        let g = try Conv2DGeometry(options, batch: 7, inputSize: Size2D(20, 24))
        let x = randomFloats(g.inputCount, seed: 1)
        let w = randomFloats(options.weightCount, seed: 2)
        let b = randomFloats(16, seed: 3)
        let dy = randomFloats(g.outputCount, seed: 4)
        func run(_ threads: Int) -> [[Float]] {
            var y = [Float](repeating: 0, count: g.outputCount)
            var dx = [Float](repeating: 0, count: g.inputCount)
            var dw = [Float](repeating: 0, count: options.weightCount)
            var db = [Float](repeating: 0, count: 16)
            conv2d(g, input: x, weight: w, bias: b, output: &y, isa: .detected, threads: threads, columnsBudget: 1 << 18)
            conv2dBackward(
                g, input: x, weight: w, outputGradient: dy, inputGradient: &dx, weightGradient: &dw, biasGradient: &db,
                isa: .detected, threads: threads)
            return [y, dx, dw, db]
        }
        let single = run(1)
        for threads in 2...4 { #expect(run(threads) == single, "threads \(threads)") }
    }

    @Test("an empty batch writes nothing and reads nothing")
    func emptyBatch() throws {
        let options = try Conv2DOptions(inChannels: 2, outChannels: 3, kernelSize: Size2D(square: 3))
        let g = try Conv2DGeometry(options, batch: 0, inputSize: Size2D(5, 5))
        #expect(g.inputCount == 0 && g.outputCount == 0)
        var db = [Float](repeating: 1, count: 3)
        var y: [Float] = []
        conv2d(g, input: [], weight: randomFloats(options.weightCount, seed: 1), bias: [0, 0, 0], output: &y)
        conv2dBackward(
            g, input: [], weight: randomFloats(options.weightCount, seed: 1), outputGradient: [], inputGradient: nil,
            weightGradient: nil, biasGradient: &db)
        #expect(db == [1, 1, 1])
    }
}
