// AVX2/FMA helpers shared by the gemm files (gemm_avx2.c, gemm_avx2_bt.c); inline only, so
// each file's functions carry their own target attribute and baseline code never sees AVX2.
#ifndef GEMM_AVX2_H
#define GEMM_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "ck_internal.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

/// Lane mask with the first `count` (0...8) lanes set, for masked loads and stores.
AVX2_INLINE __m256i lane_mask(long count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lanes);
}

/// c = alpha·acc + beta·c for 8 (or `mask`ed) lanes; c is not read when beta == 0.
AVX2_INLINE void store_lanes(float *c, __m256 acc, __m256 alpha, float beta, int full, __m256i mask) {
    __m256 r;
    if (beta == 0) {
        r = _mm256_mul_ps(acc, alpha);
    } else {
        __m256 old = full ? _mm256_loadu_ps(c) : _mm256_maskload_ps(c, mask);
        r = _mm256_fmadd_ps(acc, alpha, _mm256_mul_ps(old, _mm256_set1_ps(beta)));
    }
    if (full) _mm256_storeu_ps(c, r); else _mm256_maskstore_ps(c, mask, r);
}

/// Transposes 8 rows of 8 floats: out[x] holds element x of every row.
AVX2_INLINE void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int q = 0; q < 8; q += 2) {
        t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
        t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
    }
    for (int q = 0; q < 8; q += 4) {
        s[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
        s[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xEE);
        s[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0x44);
        s[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0xEE);
    }
    for (int q = 0; q < 4; q++) {
        r[q] = _mm256_permute2f128_ps(s[q], s[q + 4], 0x20);
        r[q + 4] = _mm256_permute2f128_ps(s[q], s[q + 4], 0x31);
    }
}

/// Packs `rows` (0...width) stored rows of `kc` floats as the columns of a `width`-wide sliver
/// (width a multiple of 8): dst[p·width + r] = src[r·ld + p], zero-padded to `width` columns. Used
/// for Bᵀ slivers of the packed path and for the A slivers of the Bᵀ-in-place path (rows of A
/// become the sliver's columns); dst must be 32-byte aligned.
AVX2_INLINE void pack_rows_transposed(long width, long rows, long kc, const float *src, long ld, float *dst) {
    for (long g = 0; g < width; g += 8) {
        const float *s = src + g * ld;
        const long count = ck_min(8, rows - g);
        long p = 0;
        if (count == 8) {
            for (; p + 8 <= kc; p += 8) {
                __m256 r[8];
                for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(s + q * ld + p);
                transpose8(r);
                for (int x = 0; x < 8; x++) _mm256_store_ps(dst + (p + x) * width + g, r[x]);
            }
        }
        for (; p < kc; p++)
            for (long q = 0; q < 8; q++) dst[p * width + g + q] = q < count ? s[q * ld + p] : 0;
    }
}

#endif
#endif
