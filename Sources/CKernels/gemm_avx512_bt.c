// AVX-512 Bᵀ-in-place packed gemm (CK_GEMM_PACKED_BT under CK_ISA_AVX512F): the forward Y = X·Wᵀ of
// a linear layer for batches of 33 up to the layer's depth. The AVX2 path (gemm_avx2_bt.c) on 16
// lanes: a 32×12 tile, 2 zmm of packed A by 12 rows of B read where they are stored, so each step
// of k does 24 FMAs of 16 lanes for 2 loads and 12 broadcasts (AVX2's 16×6: 12 FMAs of 8 lanes for
// 2 loads and 6 broadcasts). The tile's 12 columns are transposed into rows of C by transpose16.
// Every element is AVX2's arithmetic (one FMA chain from zero in p order per CK_BT_KC block, then
// alpha·acc, or fma(acc, alpha, beta·c)), so both ISAs give the same bits.
#if defined(__x86_64__)
#include "gemm_avx512.h"

/// The register tile: 32 rows of packed A (pa[p·32 + i]) by 12 rows of B (b[j·ldb + p]) over `kc`;
/// stores rows below `mvalid` and columns below `nr` of C.
AVX512_INLINE void tile_bt512(long kc, const float *pa, const float *b, long ldb, float *c, long ldc, float alpha,
                              float beta, long mvalid, long nr) {
    __m512 acc[CK_BT512_NR][2];
    for (int j = 0; j < CK_BT512_NR; j++) acc[j][0] = acc[j][1] = _mm512_setzero_ps();
    // As on AVX2: C's rows are touched only after the k loop, so fetch their lines now.
    for (int i = 0; i < CK_BT512_MR; i++)
        if (i < mvalid) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    for (long p = 0; p < kc; p++) {
        const __m512 a0 = _mm512_loadu_ps(pa), a1 = _mm512_loadu_ps(pa + 16);
        for (int j = 0; j < CK_BT512_NR; j++) {
            const __m512 bj = _mm512_set1_ps(b[j * ldb + p]);
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

/// Packs rows [r0, r1) of A (r0 a multiple of 32) for every k block: k blocks of m_pad × kc floats,
/// m_pad = m rounded up to 32, each in 32-row slivers pa[s·32·kc + p·32 + i].
AVX512 void ck_sgemm_bt_pack_a_rows_avx512(long m, long k, long r0, long r1, const float *a, long lda, float *packed) {
    const long kc_max = ck_kc_max(k, CK_BT_KC), m_pad = ck_round_up(m, CK_BT512_MR);
    for (long pc = 0; pc < k; pc += kc_max) {
        const long kc = ck_min(kc_max, k - pc);
        for (long i0 = r0; i0 < r1; i0 += CK_BT512_MR)
            pack_rows_transposed(CK_BT512_MR, ck_min(CK_BT512_MR, r1 - i0), kc, a + i0 * lda + pc, lda,
                                 packed + pc * m_pad + i0 * kc);
    }
}

/// C[0..<m, 0..<n] (+)= one k block, as AVX2's bt_block: `block` holds the m rows of A packed
/// (32-row slivers of kc), B rows are read in place from `b` (offset to the k block). A last tile
/// of fewer than 12 rows of B reads them from a zero-padded copy (`edge`, 12·kc floats), so the
/// tile never reads past B and needs no variant per width.
AVX512 static void bt_block512(long m, long n, long kc, float alpha, const float *block, const float *b, long ldb,
                               float beta, float *c, long ldc, float *edge) {
    const long nc_max = ck_bt_nc(n, kc, CK_BT512_NR);
    const long tail = n % CK_BT512_NR;
    if (tail) {
        const float *src = b + (n - tail) * ldb;
        for (long j = 0; j < CK_BT512_NR; j++)
            for (long p = 0; p < kc; p++) edge[j * kc + p] = j < tail ? src[j * ldb + p] : 0;
    }
    for (long jc = 0; jc < n; jc += nc_max) {
        const long nc = ck_min(nc_max, n - jc);
        for (long i0 = 0; i0 < m; i0 += CK_BT512_MR) {
            const float *sliver = block + i0 * kc;
            const long mvalid = ck_min(CK_BT512_MR, m - i0);
            for (long j0 = 0; j0 < nc; j0 += CK_BT512_NR) {
                const long nr = ck_min(CK_BT512_NR, nc - j0);
                // Blocks hold whole tiles, so only B's last tile is short.
                if (nr == CK_BT512_NR)
                    tile_bt512(kc, sliver, b + (jc + j0) * ldb, ldb, c + i0 * ldc + jc + j0, ldc, alpha, beta, mvalid, nr);
                else
                    tile_bt512(kc, sliver, edge, kc, c + i0 * ldc + jc + j0, ldc, alpha, beta, mvalid, nr);
            }
        }
    }
}

/// The algorithm, for all of C or a band of its columns (b and c offset to the band; m, k full).
/// A is read from `packed_a` (ck_sgemm_bt_pack_a_rows_avx512 over all m) or, when NULL, packed here
/// CK_BT_MC rows by one k block at a time into this thread's buffer, which so stays ≤ 2 MiB.
AVX512 void ck_sgemm_bt_avx512(long m, long n, long k, float alpha, const float *a, long lda, const float *packed_a,
                               const float *b, long ldb, float beta, float *c, long ldc) {
    _Static_assert(CK_BT_MC % CK_BT512_MR == 0, "packing chunks hold whole slivers");
    const long kc_max = ck_kc_max(k, CK_BT_KC), m_pad = ck_round_up(m, CK_BT512_MR);
    float *own = packed_a ? NULL : ck_scratch_floats(0, (size_t)(ck_min(m_pad, CK_BT_MC) * kc_max));
    float *edge = ck_scratch_floats(1, (size_t)(CK_BT512_NR * kc_max));
    for (long pc = 0; pc < k; pc += kc_max) {
        const long kc = ck_min(kc_max, k - pc);
        // The first k block applies beta; later ones add to what the first wrote.
        const float beta_k = pc == 0 ? beta : 1;
        if (packed_a) {
            bt_block512(m, n, kc, alpha, packed_a + pc * m_pad, b + pc, ldb, beta_k, c, ldc, edge);
            continue;
        }
        for (long ic = 0; ic < m; ic += CK_BT_MC) {
            const long mc = ck_min(CK_BT_MC, m - ic);
            for (long i0 = 0; i0 < mc; i0 += CK_BT512_MR)
                pack_rows_transposed(CK_BT512_MR, ck_min(CK_BT512_MR, mc - i0), kc, a + (ic + i0) * lda + pc, lda,
                                     own + i0 * kc);
            bt_block512(mc, n, kc, alpha, own, b + pc, ldb, beta_k, c + ic * ldc, ldc, edge);
        }
    }
}
#endif
