#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Testing

@testable import Kernels

struct LossTests {
    @Test("mse and its gradient match the Double reference", arguments: runnableInstructionSets)
    func mseMatchesReference(isa: InstructionSet) {
        for count in awkwardSizes {
            let p = randomFloats(count, in: -3...3, seed: 1)
            let t = randomFloats(count, in: -3...3, seed: 2)
            var g = [Float](repeating: .nan, count: count)
            let loss = mseLoss(prediction: p, target: t, count: count, gradient: &g, isa: isa)
            guard count > 0 else {
                #expect(loss == 0)
                continue
            }
            let expected = zip(p, t).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(count)
            #expect(abs(Double(loss) - expected) <= 1e-6 * expected)
            for i in 0..<count {
                #expect(g[i] == (2 / Float(count)) * (p[i] - t[i]))
            }
        }
    }

    @Test("mse without a gradient buffer returns the same loss")
    func mseWithoutGradient() {
        let p: [Float] = [1, 2, 3], t: [Float] = [1, 0, 0]
        #expect(mseLoss(prediction: p, target: t, count: 3, gradient: nil) == 13.0 / 3)
    }

    @Test("cross-entropy and its gradient match the scalar reference", arguments: runnableInstructionSets)
    func crossEntropyMatchesReference(isa: InstructionSet) {
        for (rows, classes) in [(0, 10), (1, 1), (1, 7), (3, 8), (5, 9), (4, 10), (2, 17), (2, 1000)] {
            let z = randomFloats(rows * classes, in: -20...20, seed: UInt64(classes))
            let labels = (0..<rows).map { Int32(($0 * 7 + 3) % classes) }
            var g = [Float](repeating: .nan, count: rows * classes)
            let loss = crossEntropyLoss(logits: z, labels: labels, rows: rows, classes: classes, gradient: &g, isa: isa)
            var expectedLoss = 0.0
            for i in 0..<rows {
                let row = Array(z[i * classes..<(i + 1) * classes])
                let m = row.max()!
                let lse = m + logf(row.reduce(0) { $0 + expf($1 - m) })
                expectedLoss += Double(lse - row[Int(labels[i])])
                for j in 0..<classes {
                    let expected = (expf(row[j] - lse) - (j == Int(labels[i]) ? 1 : 0)) / Float(rows)
                    #expect(isClose(g[i * classes + j], expected, ulps: 8, absolute: 1e-7 / Float(rows)), "\(rows)×\(classes)")
                }
            }
            expectedLoss = rows == 0 ? 0 : expectedLoss / Double(rows)
            #expect(abs(Double(loss) - expectedLoss) <= 1e-5 * max(1, abs(expectedLoss)), "\(rows)×\(classes)")
        }
    }

    @Test("cross-entropy of a confident correct prediction is near 0, of a wrong one near the logit gap")
    func crossEntropyExtremes() {
        let z: [Float] = [100, 0, 0, 0, 100, 0]
        let loss = crossEntropyLoss(logits: z, labels: [0, 0], rows: 2, classes: 3, gradient: nil)
        #expect(abs(loss - 50) < 1e-4)  // row 0: ≈0, row 1: ≈100
    }
}
