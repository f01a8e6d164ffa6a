import Testing

@testable import Kernels

/// Max and average pooling and their gradients against PyTorch's float64 results (WindowFixtures).
struct Pool2DTests {
    static let tolerance = 1e-6

    @Test(
        "max pooling: values and argmax indices exactly PyTorch's, gradients routed to them",
        arguments: WindowFixtures.maxPool, runnableInstructionSets)
    func maxPool(case c: WindowFixtures.MaxPool, isa: InstructionSet) throws {
        let g = try c.geometry()
        #expect([g.planes, g.outputSize.height, g.outputSize.width] == [c.output_shape[0] * c.output_shape[1]] + c.output_shape[2...])
        for threads in [1, 3] {
            var y = [Float](repeating: .nan, count: g.outputCount)
            var indices = [Int32](repeating: -7, count: g.outputCount)
            maxPool2d(g, input: c.input, output: &y, indices: &indices, isa: isa, threads: threads)
            #expect(y.map(Double.init) == c.output)
            #expect(indices.map(Int.init) == c.indices)
            var valuesOnly = [Float](repeating: .nan, count: g.outputCount)
            maxPool2d(g, input: c.input, output: &valuesOnly, indices: nil, isa: isa, threads: threads)
            #expect(valuesOnly == y)
        }
        var dx = [Float](repeating: .nan, count: g.inputCount)
        maxPool2dBackward(g, outputGradient: c.output_gradient, indices: c.indices.map { Int32($0) }, inputGradient: &dx)
        #expect(relativeError(dx, c.input_gradient) <= Self.tolerance)
    }

    @Test("average pooling and its gradient equal PyTorch's", arguments: WindowFixtures.avgPool, runnableInstructionSets)
    func avgPool(case c: WindowFixtures.AvgPool, isa: InstructionSet) throws {
        let g = try c.geometry()
        #expect([g.planes, g.outputSize.height, g.outputSize.width] == [c.output_shape[0] * c.output_shape[1]] + c.output_shape[2...])
        let divisor = try c.divisor()
        for threads in [1, 3] {
            var y = [Float](repeating: .nan, count: g.outputCount)
            avgPool2d(g, divisor: divisor, input: c.input, output: &y, isa: isa, threads: threads)
            #expect(relativeError(y, c.output) <= Self.tolerance)
        }
        var dx = [Float](repeating: .nan, count: g.inputCount)
        avgPool2dBackward(g, divisor: divisor, outputGradient: c.output_gradient, inputGradient: &dx, isa: isa)
        #expect(relativeError(dx, c.input_gradient) <= Self.tolerance)
    }

    @Test(
        "a NaN in a window wins (the last NaN, as PyTorch's CPU kernel), -inf only where every tap is -inf",
        arguments: runnableInstructionSets)
    func maxPoolNaN(isa: InstructionSet) throws {
        let g = try Pool2DGeometry(try Pool2DOptions(kernelSize: Size2D(square: 2)), planes: 1, inputSize: Size2D(2, 6))
        let x: [Float] = [1, .nan, -.infinity, -.infinity, 3, 3, .nan, 2, -.infinity, -.infinity, 3, 4]
        var y = [Float](repeating: 0, count: 3)
        var indices = [Int32](repeating: 0, count: 3)
        maxPool2d(g, input: x, output: &y, indices: &indices, isa: isa, threads: 1)
        #expect(y[0].isNaN && y[1] == -.infinity && y[2] == 4)
        #expect(indices == [6, 2, 11])
    }

    @Test("a window with no tap inside the input gives -inf and drops its gradient")
    func maxPoolWindowInPadding() throws {
        // Width 2 padded by 1, kernel 2 dilated by 3: the one window's taps are columns −1 and 2.
        let options = try Pool2DOptions(kernelSize: Size2D(1, 2), padding: Size2D(0, 1), dilation: Size2D(1, 3))
        let g = try Pool2DGeometry(options, planes: 1, inputSize: Size2D(1, 2))
        #expect(g.outputSize == Size2D(1, 1))
        var y: [Float] = [0]
        var indices: [Int32] = [0]
        maxPool2d(g, input: [5, 6], output: &y, indices: &indices)
        #expect(y == [-.infinity] && indices == [2])
        var dx: [Float] = [.nan, .nan]
        maxPool2dBackward(g, outputGradient: [1], indices: indices, inputGradient: &dx)
        #expect(dx == [0, 0])
    }
}
