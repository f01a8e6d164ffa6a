#if arch(x86_64)
    import CKernels
    import Testing

    @testable import Kernels

    /// Both dot-product kernels called directly, so each is checked whichever one the dispatch picks
    /// on this machine (the AVX-512 one where the CPU has it, else or with CK_GEMM_ISA=avx2 the AVX2 one).
    struct GemmDotKernelTests {
        typealias Kernel = GemmWidth

        /// Every tile shape and depth tail of both kernels (4×3 and 1×8 for AVX2, 4×4 and 1×8 for
        /// AVX-512; k tails of 8 and 16 lanes), with alpha, beta and padded strides.
        static let cases: [GemmCase] = [
            GemmCase(transA: .none, transB: .transposed, m: 1, n: 257, k: 784),
            GemmCase(transA: .none, transB: .transposed, m: 1, n: 9, k: 17, alpha: -0.5, beta: 0.75, padding: 3),
            GemmCase(transA: .none, transB: .transposed, m: 1, n: 7, k: 5),
            GemmCase(transA: .none, transB: .transposed, m: 2, n: 3, k: 1),
            GemmCase(transA: .none, transB: .transposed, m: 5, n: 11, k: 31, alpha: 2, beta: 1, padding: 5),
            GemmCase(transA: .none, transB: .transposed, m: 7, n: 13, k: 256, beta: -1, padding: 1),
            GemmCase(transA: .none, transB: .transposed, m: 32, n: 10, k: 256),
            GemmCase(transA: .none, transB: .transposed, m: 30, n: 6, k: 1000, alpha: 0.25, beta: 0.5),
            GemmCase(transA: .none, transB: .transposed, m: 100, n: 14, k: 33, padding: 2)
        ]

        @Test(
            "matches the scalar reference on every tile shape and tail",
            arguments: Kernel.allCases.filter(\.isRunnable), cases)
        func matchesReference(kernel: Kernel, g: GemmCase) {
            let (a, b, c) = g.operands(seed: 41)
            let bad = g.mismatches(kernel.dot(g, a, b, c), c, reference: g.reference(a, b, c))
            #expect(bad.isEmpty, "\(bad.count) wrong, first \(bad.prefix(3))")
        }

        @Test("a row has the same bits alone as in any batch of 1…32", arguments: Kernel.allCases.filter(\.isRunnable))
        func rowsMatchBatchOfOne(kernel: Kernel) {
            let (fanIn, fanOut) = (784, 37)
            let x = Matrix(rows: 32, columns: fanIn, seed: 43)
            let w = Matrix(rows: fanOut, columns: fanIn, seed: 47)
            func forward(rows: Int, from row: Int) -> [Float] {
                let g = GemmCase(transA: .none, transB: .transposed, m: rows, n: fanOut, k: fanIn)
                var slice = x
                slice.rows = rows
                slice.storage = Array(x.storage[(row * fanIn)..<((row + rows) * fanIn)])
                let c = Matrix(rows: rows, columns: fanOut, seed: 53)
                return kernel.dot(g, slice, w, c)
            }
            let alone = (0..<32).map { forward(rows: 1, from: $0) }
            var mismatches: [String] = []
            for m in 1...32 {
                let batch = forward(rows: m, from: 0)
                for i in 0..<m where Array(batch[(i * fanOut)..<((i + 1) * fanOut)]) != alone[i] {
                    mismatches.append("m \(m) row \(i)")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) rows differ, first \(mismatches.prefix(5))")
        }
    }

    extension GemmWidth {
        /// C = alpha·A·Bᵀ + beta·C through this width's dot-product kernel, into a copy of `c`.
        func dot(_ g: GemmCase, _ a: Matrix, _ b: Matrix, _ c: Matrix) -> [Float] {
            var out = c.storage
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { pc in
                        let call = self == .avx2 ? ck_sgemm_dot_avx2 : ck_sgemm_dot_avx512
                        call(
                            g.m, g.n, g.k, g.alpha, pa.baseAddress!, a.stride, pb.baseAddress!, b.stride, g.beta,
                            pc.baseAddress!, c.stride)
                    }
                }
            }
            return out
        }
    }
#endif
