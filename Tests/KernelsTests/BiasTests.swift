import Testing

@testable import Kernels

struct BiasTests {
    static let shapes = [(0, 5), (5, 0), (1, 1), (7, 9), (3, 17), (17, 1000), (1000, 7)]

    @Test("addBias equals the scalar loop exactly", arguments: runnableInstructionSets)
    func addBiasExact(isa: InstructionSet) {
        for (rows, columns) in Self.shapes {
            let bias = randomFloats(columns, seed: 1)
            let y = randomFloats(rows * columns, seed: 2)
            var got = y
            addBias(bias, to: &got, rows: rows, columns: columns, isa: isa)
            let expected = y.indices.map { y[$0] + bias[$0 % max(columns, 1)] }
            #expect(got == expected, "\(rows)×\(columns)")
        }
    }

    @Test("sumRows equals the scalar loop exactly, overwriting or accumulating", arguments: runnableInstructionSets)
    func sumRowsExact(isa: InstructionSet) {
        for (rows, columns) in Self.shapes {
            let x = randomFloats(rows * columns, seed: 3)
            for accumulate in [false, true] {
                let start = randomFloats(columns, seed: 4)
                var expected = accumulate ? start : [Float](repeating: 0, count: columns)
                for i in 0..<rows { for j in 0..<columns { expected[j] += x[i * columns + j] } }
                var got = start
                sumRows(x, rows: rows, columns: columns, into: &got, accumulate: accumulate, isa: isa)
                #expect(got == expected, "\(rows)×\(columns) accumulate \(accumulate)")
            }
        }
    }

    @Test("the fused bias and activation equals addBias then applyActivation", arguments: ActivationTests.all)
    func fusedEqualsSeparate(f: Activation) {
        for isa in runnableInstructionSets {
            for (rows, columns) in Self.shapes {
                let bias = randomFloats(columns, seed: 5)
                let z0 = randomFloats(rows * columns, in: -4...4, seed: 6)
                var separate = z0
                addBias(bias, to: &separate, rows: rows, columns: columns, isa: isa)
                var activated = [Float](repeating: 0, count: rows * columns)
                applyActivation(f, x: separate, y: &activated, count: rows * columns, isa: isa)
                var z = z0
                var out = [Float](repeating: .nan, count: rows * columns)
                addBiasAndActivate(bias, to: &z, rows: rows, columns: columns, activation: f, output: &out, isa: isa)
                #expect(z == separate && out == activated, "\(f) \(rows)×\(columns)")
            }
        }
    }
}
