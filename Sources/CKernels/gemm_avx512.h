// AVX-512F helpers shared by the AVX-512 gemm files (gemm_avx512_packed.c, gemm_avx512_bt.c);
// inline only, so each file's functions carry their own target attribute and baseline code never
// sees AVX-512. AVX-512F implies AVX2 and FMA, so gemm_avx2.h's helpers inline here too.
#ifndef GEMM_AVX512_H
#define GEMM_AVX512_H
#if defined(__x86_64__)
#include "gemm_avx2.h"

#define AVX512 __attribute__((target("avx512f")))
#define AVX512_INLINE __attribute__((target("avx512f"), always_inline)) static inline

/// Mask of the first `count` lanes (clamped to 0...16).
AVX512_INLINE __mmask16 lanes16(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

/// c = alpha·acc + beta·c on the `mask`ed lanes, the arithmetic of AVX2's store_lanes (so the same
/// bits): alpha·acc when beta == 0 (c not read), else fma(acc, alpha, beta·c).
AVX512_INLINE void store16(float *c, __m512 acc, __m512 alpha, float beta, __mmask16 mask) {
    __m512 r;
    if (beta == 0) {
        r = _mm512_mul_ps(acc, alpha);
    } else {
        const __m512 old = _mm512_maskz_loadu_ps(mask, c);
        r = _mm512_fmadd_ps(acc, alpha, _mm512_mul_ps(old, _mm512_set1_ps(beta)));
    }
    _mm512_mask_storeu_ps(c, mask, r);
}

/// Transposes 16 rows of 16 floats: out[x] holds element x of every row. Unpacks and shuffles
/// within 128-bit lanes (as AVX2's transpose8), then a 4×4 transpose of the lanes themselves.
AVX512_INLINE void transpose16(__m512 r[16]) {
    __m512 t[16], s[16];
    for (int q = 0; q < 16; q += 2) {
        t[q] = _mm512_unpacklo_ps(r[q], r[q + 1]);
        t[q + 1] = _mm512_unpackhi_ps(r[q], r[q + 1]);
    }
    // Lane L of s[4g + x] holds element 4L + x of rows 4g…4g+3.
    for (int q = 0; q < 16; q += 4) {
        s[q] = _mm512_shuffle_ps(t[q], t[q + 2], 0x44);
        s[q + 1] = _mm512_shuffle_ps(t[q], t[q + 2], 0xEE);
        s[q + 2] = _mm512_shuffle_ps(t[q + 1], t[q + 3], 0x44);
        s[q + 3] = _mm512_shuffle_ps(t[q + 1], t[q + 3], 0xEE);
    }
    for (int x = 0; x < 4; x++) {
        const __m512 u0 = _mm512_shuffle_f32x4(s[x], s[4 + x], 0x44), u1 = _mm512_shuffle_f32x4(s[x], s[4 + x], 0xEE);
        const __m512 v0 = _mm512_shuffle_f32x4(s[8 + x], s[12 + x], 0x44);
        const __m512 v1 = _mm512_shuffle_f32x4(s[8 + x], s[12 + x], 0xEE);
        r[x] = _mm512_shuffle_f32x4(u0, v0, 0x88);
        r[4 + x] = _mm512_shuffle_f32x4(u0, v0, 0xDD);
        r[8 + x] = _mm512_shuffle_f32x4(u1, v1, 0x88);
        r[12 + x] = _mm512_shuffle_f32x4(u1, v1, 0xDD);
    }
}

#endif
#endif
