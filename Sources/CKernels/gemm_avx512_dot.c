// AVX-512 dot-product gemm (CK_GEMM_DOT, A·Bᵀ with few rows of A): the batch-1 and small-batch
// forward of every linear layer. 16 lanes against AVX2's 8: a 4×4 tile does 16 FMAs of 16 lanes
// for 8 loads (AVX2's 4×3 tile: 12 FMAs of 8 lanes for 7 loads), and a single row reads 8 rows of
// B with 64-byte loads, which is what bounds a gemv (the weights stream from L2 once per call).
// (A 4×6 tile would fit 32 registers, but clang spills its accumulators in the loop.)
// Every function carries target("avx512f") so this file builds for baseline x86-64; ck_sgemm calls
// in here only for CK_ISA_AVX512F, which ck_gemm_isa() gives once it saw the CPU's AVX-512F and the
// OS's ZMM state. The plan's alignments stay AVX2's 4×3: no element depends on where a tile starts.
#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_internal.h"

#define AVX512_INLINE __attribute__((target("avx512f"), always_inline)) static inline

enum { DOT512_MR = 4, DOT512_NR = 4, DOT512_ROW_NR = 8 };

/// Sum of the 16 lanes in a fixed order (halves, then quarters, then pairs).
AVX512_INLINE float hsum16(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

/// `mr` rows of A against `nr` rows of B (4×4 at most, or 1×8), dot products along k, 16 lanes
/// at a time, the tail masked (zeros add nothing). Every variant computes each element the same
/// way (one FMA chain from zero in p order, then `hsum16`), so a row's result never depends on the
/// other rows of its batch, nor on where a thread's block of C starts.
AVX512_INLINE void dot512_tile(int mr, int nr, long k, const float *a, long lda, const float *b, long ldb,
                               float *c, long ldc, float alpha, float beta) {
    __m512 acc[DOT512_MR][DOT512_ROW_NR];
    for (int i = 0; i < DOT512_MR; i++)
        for (int j = 0; j < DOT512_ROW_NR; j++) acc[i][j] = _mm512_setzero_ps();
    // One loop for the whole depth, the last step masked: a masked load costs what a plain one
    // does, and one copy of the loop body keeps register pressure low.
    for (long p = 0; p < k; p += 16) {
        const __mmask16 mask = k - p >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - p)) - 1);
        __m512 bv[DOT512_ROW_NR];
        for (int j = 0; j < DOT512_ROW_NR; j++) if (j < nr) bv[j] = _mm512_maskz_loadu_ps(mask, b + j * ldb + p);
        for (int i = 0; i < DOT512_MR; i++) {
            if (i < mr) {
                const __m512 av = _mm512_maskz_loadu_ps(mask, a + i * lda + p);
                for (int j = 0; j < DOT512_ROW_NR; j++) if (j < nr) acc[i][j] = _mm512_fmadd_ps(av, bv[j], acc[i][j]);
            }
        }
    }
    for (int i = 0; i < DOT512_MR; i++) {
        for (int j = 0; j < DOT512_ROW_NR; j++) {
            if (i < mr && j < nr) {
                const float s = hsum16(acc[i][j]);
                float *cij = c + i * ldc + j;
                *cij = beta == 0 ? alpha * s : __builtin_fmaf(s, alpha, beta * *cij);
            }
        }
    }
}

#define DOT512_TILE(MR, NR) \
    dot512_tile(MR, NR, k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta)
#define DOT512_ROWS(MR)                \
    switch (nr) {                      \
    case 4: DOT512_TILE(MR, 4); break; \
    case 3: DOT512_TILE(MR, 3); break; \
    case 2: DOT512_TILE(MR, 2); break; \
    default: DOT512_TILE(MR, 1); break; \
    }
#define DOT512_ROW_CASES                       \
    switch (ck_min(DOT512_MR, m - i0)) {       \
    case 4: DOT512_ROWS(4); break;             \
    case 3: DOT512_ROWS(3); break;             \
    case 2: DOT512_ROWS(2); break;             \
    default: DOT512_ROWS(1); break;            \
    }

__attribute__((target("avx512f"))) void ck_sgemm_dot_avx512(long m, long n, long k, float alpha, const float *a,
                                                              long lda, const float *b, long ldb, float beta, float *c,
                                                              long ldc) {
    if (m == 1) {
        const long i0 = 0;
        for (long j0 = 0; j0 < n; j0 += DOT512_ROW_NR) {
            switch (ck_min(DOT512_ROW_NR, n - j0)) {
            case 8: DOT512_TILE(1, 8); break;
            case 7: DOT512_TILE(1, 7); break;
            case 6: DOT512_TILE(1, 6); break;
            case 5: DOT512_TILE(1, 5); break;
            case 4: DOT512_TILE(1, 4); break;
            case 3: DOT512_TILE(1, 3); break;
            case 2: DOT512_TILE(1, 2); break;
            default: DOT512_TILE(1, 1); break;
            }
        }
        return;
    }
    // As the AVX2 path: the smaller operand's rows stay hot while the larger one streams past.
    if (n >= m) {
        for (long j0 = 0; j0 < n; j0 += DOT512_NR) {
            const long nr = ck_min(DOT512_NR, n - j0);
            for (long i0 = 0; i0 < m; i0 += DOT512_MR) DOT512_ROW_CASES
        }
    } else {
        for (long i0 = 0; i0 < m; i0 += DOT512_MR) {
            for (long j0 = 0; j0 < n; j0 += DOT512_NR) {
                const long nr = ck_min(DOT512_NR, n - j0);
                DOT512_ROW_CASES
            }
        }
    }
}
#else
#include "ck_internal.h"

void ck_sgemm_dot_avx512(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                         float beta, float *c, long ldc) {
    ck_sgemm_portable(0, 1, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
#endif
