import Testing

@testable import Kernels

/// A row-major matrix with a row stride that may exceed its width.
struct Matrix {
    var rows: Int, columns: Int, stride: Int
    var storage: [Float]
    init(rows: Int, columns: Int, padding: Int = 0, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        stride = columns + padding
        storage = randomFloats(max(rows * stride, 1), seed: seed)
    }
    subscript(i: Int, j: Int) -> Float { storage[i * stride + j] }
}

/// One gemm problem: operands as stored, the op shapes, and the scalars.
struct GemmCase: CustomTestStringConvertible {
    var transA: Transpose, transB: Transpose
    var m: Int, n: Int, k: Int
    var alpha: Float = 1, beta: Float = 0
    var padding = 0
    var testDescription: String { "\(transA)/\(transB) m\(m) n\(n) k\(k) α\(alpha) β\(beta) pad\(padding)" }

    func operands(seed: UInt64) -> (a: Matrix, b: Matrix, c: Matrix) {
        let a =
            transA == .none
            ? Matrix(rows: m, columns: k, padding: padding, seed: seed)
            : Matrix(rows: k, columns: m, padding: padding, seed: seed)
        let b =
            transB == .none
            ? Matrix(rows: k, columns: n, padding: padding, seed: seed + 1)
            : Matrix(rows: n, columns: k, padding: padding, seed: seed + 1)
        return (a, b, Matrix(rows: m, columns: n, padding: padding, seed: seed + 2))
    }

    /// Runs the kernel under test into a copy of `c` (AVX2 widened to AVX-512 when `avx512`).
    func run(
        _ a: Matrix, _ b: Matrix, _ c: Matrix, isa: InstructionSet, avx512: Bool = InstructionSet.gemmAVX512,
        threads: Int, minFlopsPerThread: Int = 0
    ) -> [Float] {
        var out = c.storage
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    gemm(
                        transA, transB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: a.stride, b: pb.baseAddress!, ldb: b.stride,
                        beta: beta, c: pc.baseAddress!, ldc: c.stride, isa: isa, avx512: avx512, threads: threads,
                        minFlopsPerThread: minFlopsPerThread)
                }
            }
        }
        return out
    }

    /// The Double scalar reference and, per element, the classic error bound of a length-k
    /// float dot product: (k + 2)·ε·(|alpha|·Σ|a·b| + |beta·c|).
    func reference(_ a: Matrix, _ b: Matrix, _ c: Matrix) -> (expected: [Double], bound: [Double]) {
        var expected = [Double](repeating: 0, count: m * n), bound = expected
        // Column steps of op(A) and op(B) through the stored arrays.
        let (aRow, aStep) = transA == .none ? (a.stride, 1) : (1, a.stride)
        let (bCol, bStep) = transB == .none ? (1, b.stride) : (b.stride, 1)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        var ai = i * aRow, bj = j * bCol
                        for _ in 0..<k {
                            let product = Double(pa[ai]) * Double(pb[bj])
                            sum += product
                            magnitude += abs(product)
                            ai += aStep
                            bj += bStep
                        }
                        let old = Double(c[i, j])
                        expected[i * n + j] = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * old)
                        bound[i * n + j] = Double(k + 2) * 1.2e-7 * (abs(Double(alpha)) * magnitude + abs(Double(beta) * old))
                    }
                }
            }
        }
        return (expected, bound)
    }

    /// Elements of `out` outside the reference's bound, and padding columns that were written.
    func mismatches(_ out: [Float], _ c: Matrix, reference: (expected: [Double], bound: [Double])) -> [String] {
        var bad: [String] = []
        for i in 0..<m {
            for j in 0..<n {
                let got = Double(out[i * c.stride + j])
                let expected = reference.expected[i * n + j]
                if !(abs(got - expected) <= reference.bound[i * n + j]) {
                    bad.append("C[\(i),\(j)] = \(got), expected \(expected)")
                }
            }
            // Padding columns beyond n belong to the caller and must be untouched.
            for j in n..<c.stride where out[i * c.stride + j] != c.storage[i * c.stride + j] {
                bad.append("padding C[\(i),\(j)] overwritten")
            }
        }
        return bad
    }
}

struct GemmTests {
    static let transposes: [(Transpose, Transpose)] = [
        (.none, .none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed)
    ]

    @Test("matches the scalar reference for every small size and transpose", arguments: runnableInstructionSets)
    func matchesReferenceOverSmallSizes(isa: InstructionSet) {
        let sizes = [0, 1, 7, 8, 9, 17]
        var failures: [String] = []
        for (ta, tb) in Self.transposes {
            for m in sizes {
                for n in sizes {
                    for k in sizes {
                        let g = GemmCase(transA: ta, transB: tb, m: m, n: n, k: k)
                        let (a, b, c) = g.operands(seed: UInt64(m * 10_000 + n * 100 + k))
                        let out = g.run(a, b, c, isa: isa, threads: 1)
                        let bad = g.mismatches(out, c, reference: g.reference(a, b, c))
                        if let first = bad.first { failures.append("\(g.testDescription): \(first)") }
                    }
                }
            }
        }
        #expect(failures.count == 0, "\(failures.count) shapes wrong, first \(failures.prefix(5))")
    }

    /// Shapes that cross every block boundary: MR 6, NR 16, KC 256, MC 144, NC 4080, the 4×3 and
    /// 1×8 dot tiles, the small-m limit (32), narrow n (≤ 16), and k = 1000 (four k blocks).
    static let largeCases: [GemmCase] = transposes.flatMap { ta, tb in
        [
            GemmCase(transA: ta, transB: tb, m: 1000, n: 7, k: 9),
            GemmCase(transA: ta, transB: tb, m: 1, n: 1000, k: 17),
            GemmCase(transA: ta, transB: tb, m: 17, n: 33, k: 1000, alpha: -0.5, beta: 0.75, padding: 3),
            GemmCase(transA: ta, transB: tb, m: 25, n: 100, k: 300, alpha: 2, beta: 1, padding: 5),
            GemmCase(transA: ta, transB: tb, m: 150, n: 40, k: 259, beta: -1, padding: 1),
            GemmCase(transA: ta, transB: tb, m: 33, n: 131, k: 61, alpha: 0.25, beta: 0.5),
            GemmCase(transA: ta, transB: tb, m: 32, n: 9, k: 77, beta: 2, padding: 1),
            GemmCase(transA: ta, transB: tb, m: 30, n: 4097, k: 2)
        ]
    }

    @Test("matches the scalar reference across block boundaries", arguments: largeCases)
    func matchesReferenceAcrossBlocks(g: GemmCase) {
        let (a, b, c) = g.operands(seed: 7)
        let reference = g.reference(a, b, c)
        for isa in runnableInstructionSets {
            let bad = g.mismatches(g.run(a, b, c, isa: isa, threads: 2), c, reference: reference)
            #expect(bad.count == 0, "\(isa): \(bad.count) wrong, first \(bad.prefix(3))")
        }
    }

    @Test("beta zero never reads C, so NaN in C does not leak", arguments: runnableInstructionSets)
    func betaZeroIgnoresNaN(isa: InstructionSet) {
        for (ta, tb) in Self.transposes {
            for (m, n, k) in [(1, 9, 17), (5, 33, 8), (40, 40, 300), (3, 7, 0)] {
                let g = GemmCase(transA: ta, transB: tb, m: m, n: n, k: k)
                var (a, b, c) = g.operands(seed: 3)
                c.storage = Array(repeating: .nan, count: c.storage.count)
                let out = g.run(a, b, c, isa: isa, threads: 2)
                #expect(!out.contains { $0.isNaN }, "\(g.testDescription)")
            }
        }
    }

    @Test("alpha zero or k zero scales C by beta", arguments: runnableInstructionSets)
    func alphaZeroScalesC(isa: InstructionSet) {
        for (alpha, k) in [(Float(0), 5), (Float(1), 0)] {
            let g = GemmCase(transA: .none, transB: .none, m: 4, n: 9, k: k, alpha: alpha, beta: 0.5)
            let (a, b, c) = g.operands(seed: 11)
            let out = g.run(a, b, c, isa: isa, threads: 1)
            #expect(out == c.storage.map { 0.5 * $0 })
        }
    }

    @Test("results are bit-identical for 1, 2, 3 and 4 threads", arguments: transposes.map { "\($0.0)/\($0.1)" })
    func threadCountInvariance(layout: String) {
        let (ta, tb) = Self.transposes.first { "\($0.0)/\($0.1)" == layout }!
        // Packed cut by rows and by columns (sharing one packed A), the small-m paths cut by
        // columns, a narrow A·Bᵀ cut by rows, and a gemv.
        for (m, n, k) in [(75, 40, 300), (40, 75, 300), (8, 200, 300), (101, 10, 70), (1, 400, 784)] {
            let g = GemmCase(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1.5, beta: 0.5, padding: 2)
            let (a, b, c) = g.operands(seed: 5)
            #expect(GemmThreading.split(ta, tb, m: m, n: n, k: k, isa: .detected, threads: 2, minFlopsPerThread: 0).parts >= 2)
            for isa in runnableInstructionSets {
                let single = g.run(a, b, c, isa: isa, threads: 1)
                for threads in 2...4 {
                    #expect(g.run(a, b, c, isa: isa, threads: threads) == single, "\(g.testDescription) \(threads) threads")
                }
            }
        }
    }

    @Test("public gemm with default arguments computes X·Wᵀ")
    func publicEntryPoint() {
        let x: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
        let w: [Float] = [1, 0, -1, 2, 1, 0]  // 2×3, so Y = X·Wᵀ is 2×2
        var y = [Float](repeating: .nan, count: 4)
        gemm(.none, .transposed, m: 2, n: 2, k: 3, a: x, lda: 3, b: w, ldb: 3, c: &y, ldc: 2)
        #expect(y == [-2, 4, -2, 13])
    }
}
