import Testing

@testable import Kernels

struct VectorTests {
    @Test("axpy is within the scalar loop's two roundings of the exact result", arguments: runnableInstructionSets)
    func axpyMatchesReference(isa: InstructionSet) {
        for count in awkwardSizes {
            let x = randomFloats(count, seed: 1)
            let y0 = randomFloats(count, seed: 2)
            var y = y0
            axpy(-1.5, x, &y, count: count, isa: isa)
            for i in 0..<count {
                let exact = Double(y0[i]) + (-1.5) * Double(x[i])
                // The product's rounding (absent with FMA) plus the sum's.
                let bound = (Double((-1.5 * x[i]).ulp) + Double(Float(exact).ulp)) / 2
                #expect(abs(Double(y[i]) - exact) <= bound, "[\(i)] of \(count)")
            }
        }
    }

    @Test("scale equals the scalar loop exactly", arguments: runnableInstructionSets)
    func scaleExact(isa: InstructionSet) {
        for count in awkwardSizes {
            let x0 = randomFloats(count, seed: 3)
            var x = x0
            scale(&x, by: 0.3, count: count, isa: isa)
            #expect(x == x0.map { $0 * 0.3 })
        }
    }

    @Test("sum matches a Double sum", arguments: runnableInstructionSets)
    func sumMatchesReference(isa: InstructionSet) {
        for count in awkwardSizes + [100_003] {
            let x = randomFloats(count, seed: 4)
            let expected = x.reduce(0.0) { $0 + Double($1) }
            #expect(sum(x, count: count, isa: isa) == Float(expected), "\(count)")
        }
    }

    @Test("dot matches a Double dot product within the float error bound", arguments: runnableInstructionSets)
    func dotMatchesReference(isa: InstructionSet) {
        for count in awkwardSizes + [33, 100_003] {
            let x = randomFloats(count, seed: 5), y = randomFloats(count, seed: 6)
            let expected = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let magnitude = zip(x, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            let bound = Double(count / 8 + 8) * 1.2e-7 * magnitude
            #expect(abs(Double(dot(x, y, count: count, isa: isa)) - expected) <= bound, "\(count)")
        }
    }
}
