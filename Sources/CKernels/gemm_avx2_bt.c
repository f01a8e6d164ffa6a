// The Bᵀ-in-place packed gemm (CK_GEMM_PACKED_BT): C = alpha·A·Bᵀ + beta·C with B stored n×k, as
// a linear layer's forward Y = X·Wᵀ reads its weight W [out, in].
//
// Why a second packed path: the 6×16 path vectorizes along n and so must pack Bᵀ, O(n·k) transposes
// per call, which for a batch of 64 against a 256×784 weight was 12% of the time. Here the roles
// swap: the tile vectorizes along m, 16 rows of A packed (O(m·k), once), and broadcasts elements of
// 6 rows of B read where they are stored, so B is never copied. The price is a transposed store of
// each 16×6 tile, O(m·n); the two costs cross near m = k (measured on Zen 3), which is where
// ck_sgemm_plan switches.
//
// Every element is the same arithmetic as in the 6×16 tile: one FMA chain from zero in p order per
// k block, then alpha·acc (+ beta·c), so results never depend on where a thread's block starts.
#if defined(__x86_64__)
#include "gemm_avx2.h"

/// Stores one row of a transposed tile: `lo` holds columns 0–3, the low half of `hi` columns 4–5;
/// `nr` (1...6) are stored. With beta == 0 the values are already scaled by alpha and C is not read.
AVX2_INLINE void store_row(float *c, __m128 lo, __m128 hi, int nr, float alpha, float beta) {
    if (nr == 6 || nr == 4) {
        if (beta != 0) {
            const __m128 va = _mm_set1_ps(alpha), vb = _mm_set1_ps(beta);
            lo = _mm_fmadd_ps(lo, va, _mm_mul_ps(_mm_loadu_ps(c), vb));
            if (nr == 6) hi = _mm_fmadd_ps(hi, va, _mm_mul_ps(_mm_castpd_ps(_mm_load_sd((const double *)(c + 4))), vb));
        }
        _mm_storeu_ps(c, lo);
        if (nr == 6) _mm_storel_pi((__m64 *)(c + 4), hi);
        return;
    }
    float t[8];
    _mm_storeu_ps(t, lo);
    _mm_storeu_ps(t + 4, hi);
    for (int j = 0; j < nr; j++) c[j] = beta == 0 ? t[j] : __builtin_fmaf(t[j], alpha, beta * c[j]);
}

/// The register tile: 16 rows of packed A (pa[p·16 + i]) by `nr` (1...6) rows of B read in place
/// (b[j·ldb + p]), over `kc`; rows of C from `mvalid` on are padding and not stored.
AVX2_INLINE void tile_bt(int nr, long kc, const float *pa, const float *b, long ldb, float *c, long ldc,
                         float alpha, float beta, long mvalid) {
    __m256 acc[CK_BT_NR][2];
    for (int j = 0; j < CK_BT_NR; j++) acc[j][0] = acc[j][1] = _mm256_setzero_ps();
    // The tile's C rows are written (and with beta ≠ 0 read) only after the whole k loop: fetching
    // their lines now hides the miss, which otherwise stalls every tile once C outgrows L2.
    for (int i = 0; i < CK_BT_MR; i++)
        if (i < mvalid) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    for (long p = 0; p < kc; p++) {
        const __m256 a0 = _mm256_load_ps(pa), a1 = _mm256_load_ps(pa + 8);
        for (int j = 0; j < CK_BT_NR; j++) {
            if (j < nr) {
                const __m256 bj = _mm256_broadcast_ss(b + j * ldb + p);
                acc[j][0] = _mm256_fmadd_ps(bj, a0, acc[j][0]);
                acc[j][1] = _mm256_fmadd_ps(bj, a1, acc[j][1]);
            }
        }
        pa += CK_BT_MR;
    }
    // alpha·acc per element, as store_lanes does; skipped for alpha == 1, where it is exact.
    if (beta == 0 && alpha != 1) {
        const __m256 va = _mm256_set1_ps(alpha);
        for (int j = 0; j < CK_BT_NR; j++) {
            acc[j][0] = _mm256_mul_ps(acc[j][0], va);
            acc[j][1] = _mm256_mul_ps(acc[j][1], va);
        }
    }
    // acc[j][h] holds column j for rows 8h…8h+7: transpose each half into rows of 6.
    const __m256 zero = _mm256_setzero_ps();
    for (int h = 0; h < 2; h++) {
        __m256 r[CK_BT_NR];
        for (int j = 0; j < CK_BT_NR; j++) r[j] = j < nr ? acc[j][h] : zero;
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
        // Columns 0–3 of row q (0...3) in the low lane of s[q], of row q+4 in its high lane.
        const __m256 s[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                             _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
        // Columns 4–5 of rows 0, 1, 2, 3 in the low 64 bits of these, rows 4…7 likewise from the high lanes.
        const __m128 t4l = _mm256_castps256_ps128(t4), t5l = _mm256_castps256_ps128(t5);
        const __m128 t4h = _mm256_extractf128_ps(t4, 1), t5h = _mm256_extractf128_ps(t5, 1);
        const __m128 e_lo[4] = {t4l, _mm_movehl_ps(t4l, t4l), t5l, _mm_movehl_ps(t5l, t5l)};
        const __m128 e_hi[4] = {t4h, _mm_movehl_ps(t4h, t4h), t5h, _mm_movehl_ps(t5h, t5h)};
        for (int q = 0; q < 4; q++) {
            const long i = 8 * h + q;
            if (i < mvalid) store_row(c + i * ldc, _mm256_castps256_ps128(s[q]), e_lo[q], nr, alpha, beta);
            if (i + 4 < mvalid) store_row(c + (i + 4) * ldc, _mm256_extractf128_ps(s[q], 1), e_hi[q], nr, alpha, beta);
        }
    }
}

/// One instantiation per width, so the j loop unrolls and the accumulators stay in registers.
AVX2 static void tile_bt_any(long nr, long kc, const float *pa, const float *b, long ldb, float *c, long ldc,
                             float alpha, float beta, long mvalid) {
    switch ((int)nr) {
    case 6: tile_bt(6, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    case 5: tile_bt(5, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    case 4: tile_bt(4, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    case 3: tile_bt(3, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    case 2: tile_bt(2, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    default: tile_bt(1, kc, pa, b, ldb, c, ldc, alpha, beta, mvalid); break;
    }
}

/// 16 rows of A as the columns of a 16-wide sliver.
AVX2 static void pack_sliver(long rows, long kc, const float *a, long lda, float *dst) {
    pack_rows_transposed(CK_BT_MR, rows, kc, a, lda, dst);
}

const ck_bt_kernels ck_bt_avx2 = {CK_BT_MR, CK_BT_NR, pack_sliver, tile_bt_any};
#endif
