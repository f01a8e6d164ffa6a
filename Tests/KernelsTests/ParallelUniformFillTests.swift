import Testing

@testable import Kernels

/// A large uniform fill runs its conversion on every core; its floats, and the draws after it,
/// must be exactly those of one draw at a time (which the NeuralNet suites check against torch).
struct ParallelUniformFillTests {
    @Test(arguments: [PyTorchGenerator.parallelFillElements, PyTorchGenerator.parallelFillElements * 3 + 625, 1_000_003])
    func aLargeFillIsTheOneDrawAtATimeSequence(count: Int) {
        var parallel = PyTorchGenerator(seed: 42)
        var serial = parallel
        _ = parallel.random()  // start mid-block, so the fill straddles twists at odd offsets
        _ = serial.random()
        var filled = [Float](repeating: 0, count: count)
        filled.withUnsafeMutableBufferPointer { parallel.fillUniform($0, from: -0.07, to: 0.07) }
        let drawn = (0..<count).map { _ in serial.uniformFloat(from: Float(-0.07), to: Float(0.07)) }
        #expect(filled.map(\.bitPattern) == drawn.map(\.bitPattern))
        #expect((0..<700).map { _ in parallel.random() } == (0..<700).map { _ in serial.random() })
    }
}
