// 8-lane float math on clang vector extensions, shared by the AVX2 and the portable builds of
// the elementwise kernels: compiled inside a target("avx2,fma") region it becomes ymm code with
// FMA (a*b+c contracts), elsewhere pairs of SSE2 instructions. Worst error against glibc over
// dense sweeps: exp 1 ulp, tanh 2, erf 2 (AVX2) or 3 (SSE2), sigmoid 4 (against 1/(1 + expf(−x))).
#ifndef CK_VECTOR_MATH_H
#define CK_VECTOR_MATH_H

#include <stdint.h>
#include <string.h>

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

#define VM_INLINE static inline __attribute__((always_inline))

VM_INLINE v8f splat(float x) { return (v8f){x, x, x, x, x, x, x, x}; }
VM_INLINE v8f load8(const float *p) { v8f v; memcpy(&v, p, sizeof v); return v; }
VM_INLINE void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }
/// The first `n` (< 8) floats at p, the other lanes `fill`.
VM_INLINE v8f load_partial(const float *p, long n, float fill) {
    float t[8] = {fill, fill, fill, fill, fill, fill, fill, fill};
    memcpy(t, p, (size_t)n * sizeof(float));
    return load8(t);
}
VM_INLINE void store_partial(float *p, v8f v, long n) {
    float t[8];
    store8(t, v);
    memcpy(p, t, (size_t)n * sizeof(float));
}
/// Lanes of `a` where `mask` is set, else of `b`.
VM_INLINE v8f select8(v8i mask, v8f a, v8f b) { return (v8f)(((v8i)a & mask) | ((v8i)b & ~mask)); }
VM_INLINE v8f abs8(v8f x) { return (v8f)((v8i)x & 0x7fffffff); }
VM_INLINE v8f max8(v8f a, v8f b) { return select8(a > b, a, b); }
VM_INLINE float hmax8(v8f v) {
    float m = v[0];
    for (int i = 1; i < 8; i++) m = v[i] > m ? v[i] : m;
    return m;
}
/// Lane sum in a fixed order: pairs, then pairs of pairs.
VM_INLINE float hsum8(v8f v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

/// e^x. Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes' expf polynomial, and 2^n
/// applied in two halves so results down to the smallest subnormal come out right.
/// NaN propagates; x > 88.72 gives +inf, x < −103.97 gives 0 (as glibc).
VM_INLINE v8f vexp(v8f x) {
    const v8f magic = splat(12582912.0f);  // 1.5·2²³: adding it rounds to an integer
    v8f xc = select8(x > 89.0f, splat(89.0f), x);
    xc = select8(xc < -104.0f, splat(-104.0f), xc);
    const v8f t = xc * 1.44269504088896341f + magic;
    const v8f n = t - magic;
    const v8i ni = (v8i)t - (v8i)magic;
    v8f r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    v8f p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const v8f y = p * (r * r) + r + 1.0f;
    const v8i n1 = ni >> 1, n2 = ni - n1;
    const v8f s1 = (v8f)((n1 + 127) << 23), s2 = (v8f)((n2 + 127) << 23);
    v8f result = y * s1 * s2;
    result = select8(x > 88.7228394f, splat(__builtin_inff()), result);
    return select8(x < -103.972084f, splat(0.0f), result);
}

/// 1 / (1 + e^−x), the same formula as the scalar reference.
VM_INLINE v8f vsigmoid(v8f x) { return 1.0f / (1.0f + vexp(-x)); }

/// tanh x: Cephes' odd polynomial below |x| = 0.625, else 1 − 2/(e^{2|x|} + 1) with x's sign.
VM_INLINE v8f vtanh(v8f x) {
    const v8f ax = abs8(x);
    const v8f z = x * x;
    v8f p = splat(-5.70498872745e-3f);
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    const v8f small = p * z * x + x;
    const v8f big = 1.0f - 2.0f / (vexp(ax + ax) + 1.0f);
    const v8f signed_big = (v8f)((v8i)big | ((v8i)x & (int32_t)0x80000000));
    return select8(ax < 0.625f, small, signed_big);
}

/// erf x, three ranges fitted for float by bench/kernels/fit_erf.py (least squares, run by hand):
/// |x| < 1: x·P(x²); 1 ≤ |x| < 3.92: 1 − e^{−x²}·R(1/x) with R per half-range [1, 2), [2, 3.92);
/// beyond: ±1, which is erf rounded to float there.
VM_INLINE v8f verf(v8f x) {
    const v8f ax = abs8(x);
    const v8f z = x * x;
    v8f p = splat(7.854413706809282e-05f);
    p = p * z - 0.0008010374149307609f;
    p = p * z + 0.005188350565731525f;
    p = p * z - 0.02685382589697838f;
    p = p * z + 0.1128358542919159f;
    p = p * z - 0.3761262595653534f;
    p = p * z + 1.1283791065216064f;
    const v8f small = x * p;

    // Degree-7 R on [1, 2) and degree-6 R (leading 0) on [2, 3.92), chosen per lane.
    static const float r_low[8] = {-0.017991039901971817f, 0.1196112111210823f, -0.34790268540382385f,
                                   0.5634678602218628f, -0.4938669204711914f, 0.04461195692420006f,
                                   0.5595006346702576f, 0.00015259321662597358f};
    static const float r_high[8] = {0.0f, 0.026425804942846298f, -0.1870926022529602f, 0.42885059118270874f,
                                    -0.4336344003677368f, 0.030718296766281128f, 0.5607792735099792f,
                                    0.0001613413041923195f};
    const v8i low = ax < 2.0f;
    const v8f t = 1.0f / ax;
    v8f r = select8(low, splat(r_low[0]), splat(r_high[0]));
    for (int i = 1; i < 8; i++) r = r * t + select8(low, splat(r_low[i]), splat(r_high[i]));
    v8f big = 1.0f - vexp(-z) * r;
    big = select8(ax >= 3.92f, splat(1.0f), big);
    const v8f signed_big = (v8f)((v8i)big | ((v8i)x & (int32_t)0x80000000));
    return select8(ax < 1.0f, small, signed_big);
}

/// x·Φ(x) = ½·x·(1 + erf(x/√2)), PyTorch's exact gelu, in the scalar reference's order.
VM_INLINE v8f vgelu(v8f x) { return 0.5f * x * (1.0f + verf(x * 0.70710678118654752f)); }

/// d gelu / dx = Φ(x) + x·φ(x).
VM_INLINE v8f vgelu_derivative(v8f x) {
    const v8f cdf = 0.5f * (1.0f + verf(x * 0.70710678118654752f));
    const v8f pdf = vexp(-0.5f * x * x) * 0.39894228040143268f;
    return cdf + x * pdf;
}

#endif
