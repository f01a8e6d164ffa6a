import CKernels
import Testing

@testable import Kernels

/// The dot path's promise that lets the service coalesce concurrent batch-1 forwards into one
/// gemm: a row of X·Wᵀ has the same bits alone as inside any batch of at most 32 rows.
struct GemmRowInvarianceTests {
    /// The MLP's layers (784→256, 256→256, 256→10) as (in, out).
    static let layers = [(784, 256), (256, 256), (256, 10)]

    @Test("each row of a batch of 1…32 equals that row computed alone, bit for bit", arguments: layers.map { "\($0.0)→\($0.1)" })
    func rowsMatchBatchOfOne(layer: String) throws {
        try #require(InstructionSet.detected == .avx2FMA)
        let (fanIn, fanOut) = Self.layers.first { "\($0.0)→\($0.1)" == layer }!
        let x = randomFloats(32 * fanIn, seed: 23)
        let w = randomFloats(fanOut * fanIn, seed: 29)
        func forward(rows: Int, from row: Int, threads: Int) -> [Float] {
            var y = [Float](repeating: .nan, count: rows * fanOut)
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    gemm(
                        .none, .transposed, m: rows, n: fanOut, k: fanIn, a: px.baseAddress! + row * fanIn, lda: fanIn,
                        b: w, ldb: fanIn, c: py.baseAddress!, ldc: fanOut, threads: threads)
                }
            }
            return y
        }
        let alone = (0..<32).map { forward(rows: 1, from: $0, threads: 1) }
        var mismatches: [String] = []
        for m in 1...32 {
            #expect(ck_sgemm_plan(CK_ISA_AVX2_FMA, 0, 1, m, fanOut, fanIn).algo == CK_GEMM_DOT)
            for threads in [1, 2] {
                let batch = forward(rows: m, from: 0, threads: threads)
                for i in 0..<m where Array(batch[(i * fanOut)..<((i + 1) * fanOut)]) != alone[i] {
                    mismatches.append("m \(m) row \(i) threads \(threads)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) rows differ, first \(mismatches.prefix(5))")
    }
}
