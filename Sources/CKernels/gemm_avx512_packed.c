// AVX-512 packed and rows gemm (CK_GEMM_PACKED, CK_GEMM_ROWS under CK_ISA_AVX512F): AVX2's algorithms
// (gemm_avx2.c) on 16 lanes, a 12×32 register tile (24 accumulators, 2 B vectors, 1 broadcast of
// the 32 zmm registers): each step of k does 24 FMAs of 16 lanes for 2 loads and 12 broadcasts.
// The same k blocks (ck_kc) and per-element arithmetic as AVX2's 6×16 tile, so the same bits.
// Packed A and B are zero-padded, so every tile runs all 12×32 and stores only what is C.
// The loops are gemm_packed_loops.c's.
#if defined(__x86_64__)
#include "gemm_avx512.h"

/// The register tile: 12 rows of A (a[i·rsa + p·csa]) by 32 columns of B (b[p·rsb + j]) over `kc`;
/// stores `mr` rows and `nvalid` columns of C. `in_place` is for operands read where they are
/// stored: B's loads are masked to `nvalid` columns, and rows of A from `mr` on repeat row mr − 1
/// (never read past A; their results are not stored). Each accumulator is one FMA chain from zero
/// in p order, then store16: AVX2's tile, element for element.
AVX512_INLINE void tile512(long kc, const float *a, long rsa, long csa, const float *b, long rsb, int in_place,
                           float *c, long ldc, float alpha, float beta, long mr, long nvalid) {
    __m512 acc[CK_512_MR][2];
    long row[CK_512_MR];
    for (int i = 0; i < CK_512_MR; i++) {
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();
        row[i] = (in_place ? ck_min(i, mr - 1) : i) * rsa;
    }
    const __mmask16 m0 = lanes16(nvalid), m1 = lanes16(nvalid - 16);
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = in_place ? _mm512_maskz_loadu_ps(m0, b) : _mm512_loadu_ps(b);
        const __m512 b1 = in_place ? _mm512_maskz_loadu_ps(m1, b + 16) : _mm512_loadu_ps(b + 16);
        for (int i = 0; i < CK_512_MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[row[i]]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
        a += csa;
        b += rsb;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    for (int i = 0; i < CK_512_MR; i++) {
        if (i >= mr) break;
        store16(c + i * ldc, acc[i][0], va, beta, m0);
        if (m1) store16(c + i * ldc + 16, acc[i][1], va, beta, m1);
    }
}

/// 12 rows of packed A (a[p·12 + i]) by 32 columns of packed B (b[p·32 + j]), both zero-padded.
AVX512 static void tile_packed512(long kc, const float *a, const float *b, float *c, long ldc, float alpha,
                                  float beta, long mr, long nvalid) {
    tile512(kc, a, 1, CK_512_MR, b, CK_512_NR, 0, c, ldc, alpha, beta, mr, nvalid);
}

/// A·B (or Aᵀ·B) for few rows of A (CK_GEMM_ROWS, m ≥ 2): B read in place, 32 columns by up to 12
/// rows at a time, the whole depth in one chain per element, as AVX2's sgemm_rows.
AVX512 void ck_sgemm_rows_avx512(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                                 const float *b, long ldb, float beta, float *c, long ldc) {
    const long rsa = trans_a ? 1 : lda, csa = trans_a ? lda : 1;
    for (long j0 = 0; j0 < n; j0 += CK_512_NR) {
        for (long i0 = 0; i0 < m; i0 += CK_512_MR) {
            tile512(k, a + i0 * rsa, rsa, csa, b + j0, ldb, 1, c + i0 * ldc + j0, ldc, alpha, beta,
                    ck_min(CK_512_MR, m - i0), ck_min(CK_512_NR, n - j0));
        }
    }
}

/// Packs op(B)[0..<kc, 0..<nc] into slivers of 32 columns: pb[s·32·kc + p·32 + jj], zero-padded.
AVX512 static void pack_b512(int trans_b, long kc, long nc, const float *b, long ldb, float *pb) {
    for (long j0 = 0; j0 < nc; j0 += CK_512_NR, pb += CK_512_NR * kc) {
        const long nr = ck_min(CK_512_NR, nc - j0);
        if (!trans_b) {
            const __mmask16 m0 = lanes16(nr), m1 = lanes16(nr - 16);
            for (long p = 0; p < kc; p++) {
                const float *src = b + p * ldb + j0;
                _mm512_storeu_ps(pb + p * CK_512_NR, _mm512_maskz_loadu_ps(m0, src));
                _mm512_storeu_ps(pb + p * CK_512_NR + 16, _mm512_maskz_loadu_ps(m1, src + 16));
            }
        } else {
            // op(B)[p, j] = b[j·ldb + p]: rows of the stored matrix become columns of the sliver.
            pack_rows_transposed(CK_512_NR, nr, kc, b + j0 * ldb, ldb, pb);
        }
    }
}

/// Packs op(A)[0..<mc, 0..<kc] into slivers of 12 rows: pa[s·12·kc + p·12 + ii], zero-padded.
/// Writes nothing outside its slivers, so threads may pack neighbouring slivers at once.
AVX512 static void pack_a512(int trans_a, long mc, long kc, const float *a, long lda, float *pa) {
    for (long i0 = 0; i0 < mc; i0 += CK_512_MR, pa += CK_512_MR * kc) {
        const long mr = ck_min(CK_512_MR, mc - i0);
        if (!trans_a) {
            long p = 0;
            if (mr == CK_512_MR) {
                // 8 columns of the 12 rows at a time: rows 0–7 and rows 8–11 (with 4 zero rows)
                // transposed as 8×8; each column's 12 values stored as 8 + 4.
                for (; p + 8 <= kc; p += 8) {
                    __m256 r[8], s[8];
                    for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(a + (i0 + q) * lda + p);
                    for (int q = 0; q < 8; q++)
                        s[q] = q < 4 ? _mm256_loadu_ps(a + (i0 + 8 + q) * lda + p) : _mm256_setzero_ps();
                    transpose8(r);
                    transpose8(s);
                    for (int x = 0; x < 8; x++) {
                        _mm256_storeu_ps(pa + (p + x) * CK_512_MR, r[x]);
                        _mm_storeu_ps(pa + (p + x) * CK_512_MR + 8, _mm256_castps256_ps128(s[x]));
                    }
                }
            }
            for (; p < kc; p++)
                for (long ii = 0; ii < CK_512_MR; ii++) pa[p * CK_512_MR + ii] = ii < mr ? a[(i0 + ii) * lda + p] : 0;
        } else {
            // op(A)[i, p] = a[p·lda + i]: each p gives mr contiguous floats.
            const __mmask16 rows = lanes16(mr), sliver = lanes16(CK_512_MR);
            for (long p = 0; p < kc; p++)
                _mm512_mask_storeu_ps(pa + p * CK_512_MR, sliver, _mm512_maskz_loadu_ps(rows, a + p * lda + i0));
        }
    }
}

_Static_assert(CK_MC % CK_512_MR == 0 && CK_512_NC % CK_512_NR == 0, "blocks hold whole slivers");
const ck_packed_kernels ck_packed_avx512 = {CK_512_MR, CK_512_NR, CK_512_NC, pack_a512, pack_b512, tile_packed512};
#endif
