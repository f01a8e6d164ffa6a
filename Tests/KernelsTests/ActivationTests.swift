import Testing

@testable import Kernels

struct ActivationTests {
    static let all: [Activation] = [.identity, .relu, .leakyRelu(slope: 0.01), .sigmoid, .tanh, .gelu]

    /// Random inputs over a wide range plus the values where formulas change branch or break.
    static func inputs(count: Int, seed: UInt64) -> [Float] {
        var x = randomFloats(count, in: -12...12, seed: seed)
        let special: [Float] = [
            0, -0.0, 1, -1, 0.625, -0.625, 0.7071, 1.4142, 2.8284, 5.55, -5.55, 20, -20,
            90, -90, 110, -110, .infinity, -.infinity, .nan, 1e-30, -1e-30
        ]
        for (i, v) in special.enumerated() where i < count { x[(i * 7919) % count] = v }
        return x
    }

    /// Allowed error: a few ulps of the result, and for gelu also of ½|x| (where 1 + erf cancels,
    /// the reference formula itself is only that accurate).
    static func tolerance(_ f: Activation, x: Float, expected: Float) -> Float {
        switch f {
        case .identity, .relu, .leakyRelu: 0
        case .sigmoid, .tanh: 4 * expected.ulp
        case .gelu: 4 * expected.ulp + 4 * (0.5 * abs(x)).ulp
        }
    }

    @Test("forward matches the scalar formula within a few ulps", arguments: all)
    func forwardMatchesReference(f: Activation) {
        for isa in runnableInstructionSets {
            for count in awkwardSizes + [4099] {
                let x = Self.inputs(count: count, seed: UInt64(count))
                var y = [Float](repeating: .nan, count: count)
                applyActivation(f, x: x, y: &y, count: count, isa: isa)
                var worst = ""
                for i in 0..<count {
                    let expected = ScalarReference.activation(f, x[i])
                    if !isClose(y[i], expected, ulps: 0, absolute: Self.tolerance(f, x: x[i], expected: expected)) {
                        worst = "\(f) \(isa) x=\(x[i]): \(y[i]) vs \(expected)"
                        break
                    }
                }
                #expect(worst.isEmpty, "\(worst)")
            }
        }
    }

    @Test("forward works in place")
    func forwardInPlace() {
        for f in Self.all {
            let x = Self.inputs(count: 1000, seed: 9)
            var y = [Float](repeating: 0, count: 1000)
            applyActivation(f, x: x, y: &y, count: 1000)
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { p in
                applyActivation(f, x: p.baseAddress!, y: p.baseAddress!, count: 1000)
            }
            #expect(inPlace.elementsEqual(y) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(f)")
        }
    }

    @Test("sigmoid, tanh and gelu stay within 4 ulps over a dense sweep", arguments: [Activation.sigmoid, .tanh, .gelu])
    func denseSweep(f: Activation) {
        let x = (0..<20_001).map { Float($0 - 10_000) * 0.0011 }  // −11 ... 11 in steps that hit every range
        for isa in runnableInstructionSets {
            var y = [Float](repeating: 0, count: x.count)
            applyActivation(f, x: x, y: &y, count: x.count, isa: isa)
            let bad = x.indices.filter {
                let e = ScalarReference.activation(f, x[$0])
                return !isClose(y[$0], e, ulps: 0, absolute: Self.tolerance(f, x: x[$0], expected: e))
            }
            #expect(bad.isEmpty, "\(f) \(isa): \(bad.count) off, first x=\(bad.first.map { x[$0] } ?? 0)")
        }
    }

    @Test("backward matches the scalar derivative", arguments: all)
    func backwardMatchesReference(f: Activation) {
        for isa in runnableInstructionSets {
            for count in awkwardSizes {
                let x = randomFloats(count, in: -6...6, seed: UInt64(count) + 100)
                let y = x.map { ScalarReference.activation(f, $0) }
                let dy = randomFloats(count, seed: UInt64(count) + 200)
                var dx = [Float](repeating: .nan, count: count)
                activationBackward(f, x: x, y: y, dy: dy, dx: &dx, count: count, isa: isa)
                for i in 0..<count {
                    let expected = dy[i] * ScalarReference.derivative(f, x: x[i], y: y[i])
                    // gelu' = Φ + xφ: a few ulps of each term's size. 1 − y² and 1 − y cancel near
                    // |y| = 1, where a fused multiply-add rounds differently from the formula: ulps of 1.
                    let slack: Float =
                        switch f {
                        case .gelu: 8 * (abs(dy[i]) * (1 + abs(x[i]))).ulp
                        case .tanh, .sigmoid: 2 * expected.ulp + abs(dy[i]) * Float(1).ulp
                        default: 0
                        }
                    #expect(isClose(dx[i], expected, ulps: 0, absolute: slack), "\(f) \(isa) x=\(x[i])")
                }
            }
        }
    }

    @Test("relu backward multiplies, so an infinite dy where x ≤ 0 gives NaN as the formula does")
    func reluBackwardKeepsFormulaSemantics() {
        let x: [Float] = [-1, 2, 0]
        let dy: [Float] = [.infinity, .infinity, -3]
        var dx = [Float](repeating: 0, count: 3)
        activationBackward(.relu, x: x, y: x, dy: dy, dx: &dx, count: 3)
        #expect(dx[0].isNaN && dx[1] == .infinity && dx[2] == 0)
    }
}
