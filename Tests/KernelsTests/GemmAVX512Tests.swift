import CKernels
import Testing

@testable import Kernels

/// The gemm's two vector widths on an AVX2 machine; each runs only where the CPU (and CK_GEMM_ISA) allow it.
enum GemmWidth: String, CaseIterable, CustomTestStringConvertible {
    case avx2, avx512
    var testDescription: String { rawValue }
    var isRunnable: Bool {
        switch self {
        case .avx2: InstructionSet.detected == .avx2FMA
        case .avx512: InstructionSet.gemmAVX512
        }
    }
}

/// The AVX-512 gemm kernels (12×32 packed and rows tiles, 32×12 Bᵀ-in-place tile, 4×4 dot tile) against the
/// Double reference and against the AVX2 kernels, in one process: `avx512:` picks the width per call,
/// so both run on a CPU with AVX-512F whatever CK_GEMM_ISA says (under CK_GEMM_ISA=avx2 only AVX2 does).
struct GemmAVX512Tests {
    static let runnableWidths = GemmWidth.allCases.filter(\.isRunnable)
    static let sizes = [1, 7, 15, 16, 17, 31, 33, 65]
    static let scalars: [(alpha: Float, beta: Float)] = [(1, 0), (2, 0.5), (-0.5, 1), (0.25, -1)]

    /// Each of m, n and k over the awkward sizes with the other two at sizes that take the packed or
    /// the Bᵀ-in-place path (edge tiles in every direction: 70 = 5·12 + 10 = 2·32 + 6, 47 = 32 + 15
    /// = 3·12 + 11), every transpose, the scalar pairs in turn, padded strides; then k cut into blocks
    /// (above 256 for the packed path, 1024 for the Bᵀ one), more rows than one 512-row packing chunk,
    /// and the MLP's forward and backward shapes.
    static let cases: [GemmCase] = {
        var cases: [GemmCase] = []
        for (ta, tb) in GemmTests.transposes {
            for (index, s) in sizes.enumerated() {
                let (alpha, beta) = scalars[index % scalars.count]
                let padding = index % 3 == 0 ? 0 : index
                for (m, n, k) in [(s, 47, 97), (70, s, 97), (50, 45, s)] {
                    cases.append(
                        GemmCase(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, beta: beta, padding: padding))
                }
            }
        }
        return cases + [
            GemmCase(transA: .none, transB: .transposed, m: 40, n: 200, k: 1100, alpha: 0.5, beta: 1.5, padding: 3),
            GemmCase(transA: .none, transB: .transposed, m: 530, n: 19, k: 600, beta: 0.5),
            GemmCase(transA: .none, transB: .none, m: 300, n: 50, k: 600, alpha: -2, beta: 1, padding: 2),
            GemmCase(transA: .none, transB: .transposed, m: 64, n: 256, k: 784),
            GemmCase(transA: .none, transB: .transposed, m: 65, n: 256, k: 784, padding: 1),
            GemmCase(transA: .none, transB: .transposed, m: 256, n: 256, k: 256, beta: 1),
            GemmCase(transA: .none, transB: .transposed, m: 256, n: 10, k: 256),
            GemmCase(transA: .none, transB: .none, m: 64, n: 784, k: 256),
            GemmCase(transA: .transposed, transB: .none, m: 256, n: 784, k: 64, beta: 1),
            GemmCase(transA: .transposed, transB: .none, m: 256, n: 256, k: 64, alpha: 0.5, beta: 1, padding: 7)
        ]
    }()

    /// Every path but the dot one keeps AVX2's k blocks and per-element arithmetic.
    static func keepsAVX2Bits(_ plan: ck_gemm_plan) -> Bool { plan.algo != CK_GEMM_DOT }

    @Test("AVX-512 plans pick AVX2's algorithm, with their own tiles' alignments")
    func plansFollowAVX2() {
        var algorithms: Set<UInt32> = []
        for g in Self.cases {
            let (ta, tb): (Int32, Int32) = (g.transA == .none ? 0 : 1, g.transB == .none ? 0 : 1)
            let narrow = ck_sgemm_plan(CK_ISA_AVX2_FMA, ta, tb, g.m, g.n, g.k)
            let wide = ck_sgemm_plan(CK_ISA_AVX512F, ta, tb, g.m, g.n, g.k)
            #expect(wide.algo == narrow.algo, "\(g.testDescription)")
            algorithms.insert(wide.algo.rawValue)
            if wide.algo == CK_GEMM_PACKED || wide.algo == CK_GEMM_ROWS {
                #expect((wide.row_align, wide.col_align) == (12, 32))
            }
            if wide.algo == CK_GEMM_PACKED_BT { #expect((wide.row_align, wide.col_align) == (32, 12)) }
        }
        // The cases reach every algorithm of both ISAs.
        #expect(algorithms == Set([CK_GEMM_PACKED, CK_GEMM_PACKED_BT, CK_GEMM_DOT, CK_GEMM_ROWS].map(\.rawValue)))
    }

    @Test(
        "each width matches the Double reference within (k + 2)·ε, and AVX-512 gives AVX2's bits but on the dot path",
        arguments: cases)
    func matchesReferenceAndAVX2(g: GemmCase) throws {
        try #require(!Self.runnableWidths.isEmpty)
        let (a, b, c) = g.operands(seed: 23)
        let reference = g.reference(a, b, c)
        var results: [GemmWidth: [Float]] = [:]
        for width in Self.runnableWidths {
            let out = g.run(a, b, c, isa: .avx2FMA, avx512: width == .avx512, threads: 1)
            let bad = g.mismatches(out, c, reference: reference)
            #expect(bad.isEmpty, "\(width): \(bad.count) wrong, first \(bad.prefix(3))")
            results[width] = out
        }
        guard let wide = results[.avx512], let narrow = results[.avx2] else { return }
        let plan = ck_sgemm_plan(CK_ISA_AVX512F, g.transA == .none ? 0 : 1, g.transB == .none ? 0 : 1, g.m, g.n, g.k)
        if Self.keepsAVX2Bits(plan) {
            // Same k blocks, one FMA chain per element from zero in p order, the same scaling.
            #expect(wide == narrow)
        } else {
            // The dot tiles sum 16 lanes where AVX2 sums 8: each is within the bound of the exact value.
            var apart = 0
            for i in 0..<g.m {
                for j in 0..<g.n {
                    let difference = abs(Double(wide[i * c.stride + j]) - Double(narrow[i * c.stride + j]))
                    if !(difference <= 2 * reference.bound[i * g.n + j]) { apart += 1 }
                }
            }
            #expect(apart == 0)
        }
    }

    @Test(
        "the same bits run to run and for 1–4 threads (bands over one packed A, rows, in-place columns)",
        arguments: runnableWidths)
    func deterministic(width: GemmWidth) {
        var failures: [String] = []
        for (ta, tb, m, n, k) in [
            (Transpose.none, Transpose.transposed, 64, 256, 784), (.none, .transposed, 256, 256, 256),
            (.none, .none, 75, 200, 300), (.transposed, .none, 256, 784, 64), (.none, .transposed, 530, 100, 600),
            (.none, .none, 300, 40, 300), (.none, .none, 30, 500, 300), (.transposed, .none, 20, 300, 100)
        ] {
            let g = GemmCase(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1.5, beta: 0.5, padding: 2)
            let (a, b, c) = g.operands(seed: 29)
            let single = g.run(a, b, c, isa: .avx2FMA, avx512: width == .avx512, threads: 1)
            if g.run(a, b, c, isa: .avx2FMA, avx512: width == .avx512, threads: 1) != single {
                failures.append("\(g.testDescription) rerun")
            }
            for threads in 2...4 where g.run(a, b, c, isa: .avx2FMA, avx512: width == .avx512, threads: threads) != single {
                failures.append("\(g.testDescription) \(threads) threads")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
