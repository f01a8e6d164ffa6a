import Testing

@testable import Kernels

struct SoftmaxTests {
    static let shapes = [(0, 3), (3, 0), (1, 1), (2, 7), (3, 8), (2, 9), (4, 10), (2, 17), (2, 1000)]

    /// Rows of `x` as arrays.
    static func rows(_ x: [Float], columns: Int) -> [[Float]] {
        stride(from: 0, to: x.count, by: max(columns, 1)).map { Array(x[$0..<$0 + columns]) }
    }

    @Test("softmax matches the scalar reference and each row sums to 1", arguments: runnableInstructionSets)
    func softmaxMatchesReference(isa: InstructionSet) {
        for (rows, columns) in Self.shapes {
            let x = randomFloats(rows * columns, in: -30...30, seed: UInt64(columns))
            var y = [Float](repeating: .nan, count: rows * columns)
            softmaxRows(x, &y, rows: rows, columns: columns, isa: isa)
            let expected = Self.rows(x, columns: columns).flatMap(ScalarReference.softmax)
            for i in y.indices {
                // The row sum is taken in another order: a few ulps of each probability, plus a
                // relative slack for the sum's rounding over up to 1000 terms.
                #expect(isClose(y[i], expected[i], ulps: 8, absolute: 1e-6 * expected[i]), "\(rows)×\(columns) [\(i)]")
            }
            for row in Self.rows(y, columns: columns) where !row.isEmpty {
                #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            }
        }
    }

    @Test("softmax is stable for huge logits and treats −inf as probability 0")
    func softmaxStability() {
        let x: [Float] = [1000, 999, -.infinity, 1000]
        var y = [Float](repeating: 0, count: 4)
        softmaxRows(x, &y, rows: 1, columns: 4)
        #expect(y[2] == 0 && abs(y[0] - y[3]) == 0 && abs(y[0] + y[1] + y[3] - 1) < 1e-6)
    }

    @Test("log-softmax matches the scalar reference", arguments: runnableInstructionSets)
    func logSoftmaxMatchesReference(isa: InstructionSet) {
        for (rows, columns) in Self.shapes {
            let x = randomFloats(rows * columns, in: -30...30, seed: UInt64(columns) + 50)
            var y = x
            y.withUnsafeMutableBufferPointer { p in  // in place, as the contract allows
                if let base = p.baseAddress { logSoftmaxRows(base, base, rows: rows, columns: columns, isa: isa) }
            }
            let expected = Self.rows(x, columns: columns).flatMap(ScalarReference.logSoftmax)
            for i in y.indices {
                #expect(isClose(y[i], expected[i], ulps: 4, absolute: 2e-6), "\(rows)×\(columns) [\(i)]")
            }
        }
    }

    @Test("softmax backward matches y ⊙ (dy − Σ dy·y)", arguments: runnableInstructionSets)
    func softmaxBackwardMatchesReference(isa: InstructionSet) {
        for (rows, columns) in Self.shapes {
            let x = randomFloats(rows * columns, in: -5...5, seed: 7)
            let y = Self.rows(x, columns: columns).flatMap(ScalarReference.softmax)
            let dy = randomFloats(rows * columns, seed: 8)
            var dx = [Float](repeating: .nan, count: rows * columns)
            softmaxRowsBackward(y: y, dy: dy, dx: &dx, rows: rows, columns: columns, isa: isa)
            for i in 0..<rows {
                let r = i * columns
                let d = (0..<columns).reduce(0.0) { $0 + Double(dy[r + $1]) * Double(y[r + $1]) }
                for j in 0..<columns {
                    let expected = Double(y[r + j]) * (Double(dy[r + j]) - d)
                    #expect(abs(Double(dx[r + j]) - expected) <= 1e-6 * Double(y[r + j]) + 1e-12, "\(rows)×\(columns)")
                }
            }
        }
    }
}
