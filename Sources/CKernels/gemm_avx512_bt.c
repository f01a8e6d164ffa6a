// AVX-512 Bᵀ-in-place packed gemm (CK_GEMM_PACKED_BT under CK_ISA_AVX512F): the forward Y = X·Wᵀ of
// a linear layer for batches of 33 up to the layer's depth. The AVX2 path (gemm_avx2_bt.c) on 16
// lanes: a 32×12 tile, 2 zmm of packed A by 12 rows of B read where they are stored, so each step
// of k does 24 FMAs of 16 lanes for 2 loads and 12 broadcasts (AVX2's 16×6: 12 FMAs of 8 lanes for
// 2 loads and 6 broadcasts). The tile's 12 columns are transposed into rows of C by transpose16.
// The loops are gemm_packed_loops.c's, with A packed in 32-row slivers.
// Every element is AVX2's arithmetic (one FMA chain from zero in p order per CK_BT_KC block, then
// alpha·acc, or fma(acc, alpha, beta·c)), so both ISAs give the same bits.
#if defined(__x86_64__)
#include "gemm_avx512.h"

/// The register tile: 32 rows of packed A (pa[p·32 + i]) by 12 rows of B (b[j·ldb + p]) over `kc`;
/// stores rows below `mvalid` and columns below `nr` of C. With nr < 12 the tile's last rows of B
/// repeat row nr − 1 (never read past B) into columns that are not stored.
AVX512_INLINE void tile_bt512(long kc, const float *pa, const float *b, long ldb, float *c, long ldc, float alpha,
                              float beta, long mvalid, long nr) {
    __m512 acc[CK_BT512_NR][2];
    const float *rows[CK_BT512_NR];
    for (int j = 0; j < CK_BT512_NR; j++) {
        acc[j][0] = acc[j][1] = _mm512_setzero_ps();
        rows[j] = b + ck_min(j, nr - 1) * ldb;
    }
    // As on AVX2: C's rows are touched only after the k loop, so fetch their lines now.
    for (int i = 0; i < CK_BT512_MR; i++)
        if (i < mvalid) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    for (long p = 0; p < kc; p++) {
        const __m512 a0 = _mm512_loadu_ps(pa), a1 = _mm512_loadu_ps(pa + 16);
        for (int j = 0; j < CK_BT512_NR; j++) {
            const __m512 bj = _mm512_set1_ps(rows[j][p]);
            acc[j][0] = _mm512_fmadd_ps(bj, a0, acc[j][0]);
            acc[j][1] = _mm512_fmadd_ps(bj, a1, acc[j][1]);
        }
        pa += CK_BT512_MR;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    // alpha·acc per element, as AVX2 does; skipped for alpha == 1, where it is exact.
    if (beta == 0 && alpha != 1) {
        for (int j = 0; j < CK_BT512_NR; j++) {
            acc[j][0] = _mm512_mul_ps(acc[j][0], va);
            acc[j][1] = _mm512_mul_ps(acc[j][1], va);
        }
    }
    const __mmask16 columns = lanes16(nr);
    // acc[j][h] holds column j for rows 16h…16h+15: transpose each half into 16 rows of 12.
    for (int h = 0; h < 2; h++) {
        __m512 r[16];
        for (int j = 0; j < 16; j++) r[j] = j < CK_BT512_NR ? acc[j][h] : _mm512_setzero_ps();
        transpose16(r);
        for (int q = 0; q < 16; q++) {
            const long i = 16 * h + q;
            if (i >= mvalid) break;
            float *ci = c + i * ldc;
            if (beta == 0) {
                _mm512_mask_storeu_ps(ci, columns, r[q]);
            } else {
                const __m512 old = _mm512_maskz_loadu_ps(columns, ci);
                _mm512_mask_storeu_ps(ci, columns, _mm512_fmadd_ps(r[q], va, _mm512_mul_ps(old, _mm512_set1_ps(beta))));
            }
        }
    }
}

/// The full-width tile (constant row offsets) or, for B's last rows, the clamped one.
AVX512 static void tile_bt512_any(long nr, long kc, const float *pa, const float *b, long ldb, float *c, long ldc,
                                  float alpha, float beta, long mvalid) {
    if (nr == CK_BT512_NR) tile_bt512(kc, pa, b, ldb, c, ldc, alpha, beta, mvalid, CK_BT512_NR);
    else tile_bt512(kc, pa, b, ldb, c, ldc, alpha, beta, mvalid, nr);
}

/// 32 rows of A as the columns of a 32-wide sliver.
AVX512 static void pack_sliver512(long rows, long kc, const float *a, long lda, float *dst) {
    pack_rows_transposed(CK_BT512_MR, rows, kc, a, lda, dst);
}

const ck_bt_kernels ck_bt_avx512 = {CK_BT512_MR, CK_BT512_NR, pack_sliver512, tile_bt512_any};
#endif
