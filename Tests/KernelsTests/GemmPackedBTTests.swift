import CKernels
import Testing

@testable import Kernels

/// The Bᵀ-in-place packed path (A·Bᵀ with 32 < m < k and n > 16): 16-row slivers of packed A by
/// 6 rows of B read where they are stored.
struct GemmPackedBTTests {
    @Test("A·Bᵀ takes the Bᵀ-in-place path below m = k and the 6×16 path from there")
    func planSwitchesAtDepth() {
        func algo(_ m: Int, _ n: Int, _ k: Int) -> ck_gemm_algo {
            ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 1, m, n, k).algo
        }
        #expect(algo(64, 256, 784) == CK_GEMM_PACKED_BT)
        #expect(algo(256, 256, 784) == CK_GEMM_PACKED_BT)
        #expect(algo(64, 256, 256) == CK_GEMM_PACKED_BT)
        #expect(algo(256, 256, 256) == CK_GEMM_PACKED)
        #expect(algo(1024, 256, 784) == CK_GEMM_PACKED)
        #expect(algo(32, 256, 784) == CK_GEMM_DOT)
        #expect(algo(64, 10, 784) == CK_GEMM_DOT)
        // Only A·Bᵀ reads B rows in place.
        #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 0, 64, 256, 784).algo == CK_GEMM_PACKED)
        #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 1, 1, 64, 256, 784).algo == CK_GEMM_PACKED)
    }

    /// Every tile width (n mod 6 = 0…5), partial 16-row slivers, k cut into blocks (k > 1024),
    /// B cut into row blocks (a 550-deep block holds at most 174 rows), A packed in 512-row chunks,
    /// alpha, beta and padding.
    static let cases: [GemmCase] =
        (17...23).map { n in GemmCase(transA: .none, transB: .transposed, m: 47, n: n, k: 100, alpha: 2, beta: 0.5) }
        + [
            GemmCase(transA: .none, transB: .transposed, m: 33, n: 64, k: 65),
            GemmCase(transA: .none, transB: .transposed, m: 40, n: 200, k: 1100, alpha: 0.5, beta: 1.5, padding: 3),
            GemmCase(transA: .none, transB: .transposed, m: 100, n: 37, k: 2500, beta: -1),
            GemmCase(transA: .none, transB: .transposed, m: 64, n: 256, k: 784, padding: 1),
            // More rows than one 512-row packing chunk of the single-thread path.
            GemmCase(transA: .none, transB: .transposed, m: 530, n: 19, k: 600, beta: 0.5)
        ]

    @Test("matches the scalar reference", arguments: cases)
    func matchesReference(g: GemmCase) throws {
        try #require(InstructionSet.detected == .avx2FMA)
        #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 1, g.m, g.n, g.k).algo == CK_GEMM_PACKED_BT)
        let (a, b, c) = g.operands(seed: 13)
        let bad = g.mismatches(g.run(a, b, c, isa: .avx2FMA, threads: 1), c, reference: g.reference(a, b, c))
        #expect(bad.count == 0, "\(bad.count) wrong, first \(bad.prefix(3))")
    }

    @Test("bit-identical for 1–4 threads, cut by columns over one packed A or by rows")
    func threadCountInvariance() throws {
        try #require(InstructionSet.detected == .avx2FMA)
        // (530, 100, 600): one thread packs A in 512-row chunks, bands share one packed A.
        for (m, n, k) in [(40, 200, 1100), (100, 37, 300), (64, 256, 784), (530, 100, 600)] {
            let g = GemmCase(transA: .none, transB: .transposed, m: m, n: n, k: k, alpha: 1.5, beta: 0.5, padding: 2)
            let (a, b, c) = g.operands(seed: 17)
            let single = g.run(a, b, c, isa: .avx2FMA, threads: 1)
            for threads in 2...4 {
                #expect(g.run(a, b, c, isa: .avx2FMA, threads: threads) == single, "\(g.testDescription) \(threads) threads")
            }
        }
    }

    @Test("gives the same bits as the 6×16 path where both cut k alike")
    func agreesWithSixBySixteenPath() throws {
        try #require(InstructionSet.detected == .avx2FMA)
        // m < k picks the Bᵀ path; the same rows inside a taller A (m ≥ k) take the 6×16 path.
        // With k ≤ 256 both run one k block: one FMA chain per element, so the bits must agree.
        let k = 200, n = 50
        let tall = GemmCase(transA: .none, transB: .transposed, m: 210, n: n, k: k)
        let (a, b, c) = tall.operands(seed: 19)
        #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 1, 210, n, k).algo == CK_GEMM_PACKED)
        let full = tall.run(a, b, c, isa: .avx2FMA, threads: 1)
        let short = GemmCase(transA: .none, transB: .transposed, m: 100, n: n, k: k)
        #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 1, 100, n, k).algo == CK_GEMM_PACKED_BT)
        let top = short.run(a, b, Matrix(rows: 100, columns: n, seed: 1), isa: .avx2FMA, threads: 1)
        #expect(Array(full[0..<(100 * n)]) == top)
    }
}
