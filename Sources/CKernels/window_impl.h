// The 2-D window kernels (im2col, col2im, max and average pooling), written once and compiled
// twice like elementwise_impl.h: window_avx2.c with CK_FN(name) = name##_avx2 inside a
// target("avx2,fma") region, window_portable.c with name##_portable. Each kernel's innermost loop
// runs over the output columns whose taps are all inside the input (found once per kernel column
// by window_columns), so it has no bounds checks and the compiler vectorizes it (strided loads
// for stride > 1); only rows are clipped per output row. Per output element, taps are visited in
// PyTorch's order (kernel row, then column), so ties, NaN and sums come out as its CPU kernels'.
#include <math.h>
#include <string.h>
#include "ck_internal.h"
#include "vector_math.h"

// Rows of outputs are often short (LeNet's are 28, 14 and 5 wide): one 8-lane vector per
// iteration instead of the vectorizer's default of four interleaved, so a row of 8 to 31 still
// runs vector code.
#define SHORT_ROWS _Pragma("clang loop vectorize_width(8) interleave_count(1)")

/// The output columns [lo, hi) whose tap at input column ow·stride + offset lies in [0, size).
static inline void CK_FN(window_columns)(long offset, long stride, long size, long count, long *lo, long *hi) {
    long first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    long end = size - offset <= 0 ? 0 : (size - offset - 1) / stride + 1;
    if (end > count) end = count;
    if (first > end) first = end;
    *lo = first;
    *hi = end;
}

/// Copies n floats 8 at a time, the tail as one more (overlapping) vector: a row of im2col is
/// often 5 to 56 floats, where a memcpy call costs more than the copy.
static inline void CK_FN(copy_row)(float *dst, const float *src, long n) {
    if (n < 8) {
        for (long k = 0; k < n; k++) dst[k] = src[k];
        return;
    }
    long k = 0;
    for (; k + 8 <= n; k += 8) store8(dst + k, load8(src + k));
    if (k < n) store8(dst + n - 8, load8(src + n - 8));
}

/// in[0], in[s], …, in[7s], reading nothing past in[7s]: stride 2 (pooling's usual) as two
/// loads and a shuffle, other strides element by element.
static inline v8f CK_FN(strided8)(const float *in, long s) {
    if (s == 1) return load8(in);
    if (s == 2) return __builtin_shufflevector(load8(in), load8(in + 7), 0, 2, 4, 6, 9, 11, 13, 15);
    return (v8f){in[0], in[s], in[2 * s], in[3 * s], in[4 * s], in[5 * s], in[6 * s], in[7 * s]};
}

/// One max-pooling tap for eight outputs: where v (read with `step`) is greater than the running
/// maximum m, or NaN, it replaces it and its index (first + lane·stride) replaces c.
static inline void CK_FN(max_step8)(const float *v, long step, float *m, int32_t *c, int32_t first, int32_t stride) {
    const v8i lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    const v8f x = CK_FN(strided8)(v, step);
    const v8f old = load8(m);
    const v8i take = (x > old) | (x != x);
    store8(m, select8(take, x, old));
    v8i index;
    memcpy(&index, c, sizeof index);
    index = ((first + lanes * stride) & take) | (index & ~take);
    memcpy(c, &index, sizeof index);
}

/// The column ranges of window_columns for kernel columns 0..<CK_TAP_CACHE, computed once per
/// call instead of per output row (two integer divisions each, as much as a short row's work).
enum { CK_TAP_CACHE = 32 };
typedef struct {
    long lo[CK_TAP_CACHE], hi[CK_TAP_CACHE];
    long cached;
} ck_tap_columns;

static inline void CK_FN(tap_columns_init)(ck_tap_columns *t, const ck_window2d *g) {
    t->cached = ck_min(g->kernel_w, CK_TAP_CACHE);
    for (long j = 0; j < t->cached; j++) {
        CK_FN(window_columns)(j * g->dilation_w - g->pad_w, g->stride_w, g->width, g->out_w, &t->lo[j], &t->hi[j]);
    }
}

static inline void CK_FN(tap_columns)(const ck_tap_columns *t, const ck_window2d *g, long j, long *lo, long *hi) {
    if (j < t->cached) {
        *lo = t->lo[j];
        *hi = t->hi[j];
    } else {
        CK_FN(window_columns)(j * g->dilation_w - g->pad_w, g->stride_w, g->width, g->out_w, lo, hi);
    }
}

void CK_FN(ck_im2col)(const ck_window2d *g, long channels, long oh0, long oh1, const float *image,
                      float *columns) {
    const long ow_n = g->out_w, row_length = (oh1 - oh0) * ow_n, sw = g->stride_w;
    float *row = columns;
    for (long c = 0; c < channels; c++) {
        const float *plane = image + c * g->height * g->width;
        for (long i = 0; i < g->kernel_h; i++) {
            for (long j = 0; j < g->kernel_w; j++, row += row_length) {
                const long offset = j * g->dilation_w - g->pad_w;
                long lo, hi;
                CK_FN(window_columns)(offset, sw, g->width, ow_n, &lo, &hi);
                for (long oh = oh0; oh < oh1; oh++) {
                    float *out = row + (oh - oh0) * ow_n;
                    const long ih = oh * g->stride_h - g->pad_h + i * g->dilation_h;
                    if (ih < 0 || ih >= g->height) {
                        memset(out, 0, (size_t)ow_n * sizeof(float));
                        continue;
                    }
                    const float *in = plane + ih * g->width + offset;
                    for (long ow = 0; ow < lo; ow++) out[ow] = 0;
                    if (sw == 1) {
                        CK_FN(copy_row)(out + lo, in + lo, hi - lo);
                    } else {
                        long ow = lo;
                        for (; ow + 8 <= hi; ow += 8) store8(out + ow, CK_FN(strided8)(in + ow * sw, sw));
                        for (; ow < hi; ow++) out[ow] = in[ow * sw];
                    }
                    for (long ow = hi; ow < ow_n; ow++) out[ow] = 0;
                }
            }
        }
    }
}

void CK_FN(ck_col2im)(const ck_window2d *g, long channels, long oh0, long oh1, const float *columns,
                      float *image) {
    const long ow_n = g->out_w, row_length = (oh1 - oh0) * ow_n, sw = g->stride_w;
    const float *row = columns;
    for (long c = 0; c < channels; c++) {
        float *plane = image + c * g->height * g->width;
        for (long i = 0; i < g->kernel_h; i++) {
            for (long j = 0; j < g->kernel_w; j++, row += row_length) {
                const long offset = j * g->dilation_w - g->pad_w;
                long lo, hi;
                CK_FN(window_columns)(offset, sw, g->width, ow_n, &lo, &hi);
                for (long oh = oh0; oh < oh1; oh++) {
                    const long ih = oh * g->stride_h - g->pad_h + i * g->dilation_h;
                    if (ih < 0 || ih >= g->height) continue;
                    const float *in = row + (oh - oh0) * ow_n;
                    float *out = plane + ih * g->width + offset;
                    if (sw == 1) {
                        SHORT_ROWS
                        for (long ow = lo; ow < hi; ow++) out[ow] += in[ow];
                    } else {
                        for (long ow = lo; ow < hi; ow++) out[ow * sw] += in[ow];
                    }
                }
            }
        }
    }
}

/// The kernel rows [first, end) of output row oh that land inside the input.
static inline void CK_FN(window_rows)(const ck_window2d *g, long oh, long *first, long *end) {
    const long top = oh * g->stride_h - g->pad_h;
    long a = 0;
    while (a < g->kernel_h && top + a * g->dilation_h < 0) a++;
    long b = a;
    while (b < g->kernel_h && top + b * g->dilation_h < g->height) b++;
    *first = a;
    *end = b;
}

void CK_FN(ck_max_pool2d)(const ck_window2d *g, long planes, const float *x, float *y, int32_t *indices) {
    const long ow_n = g->out_w, sw = g->stride_w, plane_in = g->height * g->width;
    ck_tap_columns taps;
    CK_FN(tap_columns_init)(&taps, g);
    // PyTorch's index for a window with no tap inside: its first tap after stepping past the
    // padding by whole dilations, as its kernel computes it.
    for (long p = 0; p < planes; p++) {
        const float *plane = x + p * plane_in;
        for (long oh = 0; oh < g->out_h; oh++) {
            float *out = y + (p * g->out_h + oh) * ow_n;
            int32_t *index = indices ? indices + (p * g->out_h + oh) * ow_n : NULL;
            long ih0 = oh * g->stride_h - g->pad_h;
            while (ih0 < 0) ih0 += g->dilation_h;
            long first, end;
            CK_FN(window_rows)(g, oh, &first, &end);
            for (long ow = 0; ow < ow_n; ow++) out[ow] = -INFINITY;
            if (index) {
                const int32_t row = (int32_t)(ih0 * g->width - g->pad_w);
                for (long ow = 0; ow < ow_n; ow++) index[ow] = row + (int32_t)(ow * sw);
                // Only the first few windows start in the left padding.
                for (long ow = 0; ow < ow_n && ow * sw < g->pad_w; ow++) {
                    long iw0 = ow * sw - g->pad_w;
                    while (iw0 < 0) iw0 += g->dilation_w;
                    index[ow] = (int32_t)(ih0 * g->width + iw0);
                }
            }
            for (long i = first; i < end; i++) {
                const long ih = oh * g->stride_h - g->pad_h + i * g->dilation_h;
                for (long j = 0; j < g->kernel_w; j++) {
                    const long offset = j * g->dilation_w - g->pad_w;
                    long lo, hi;
                    CK_FN(tap_columns)(&taps, g, j, &lo, &hi);
                    const float *in = plane + ih * g->width + offset;
                    const int32_t base = (int32_t)(ih * g->width + offset);
                    // Eight outputs at a time with explicit vectors (the vectorizer's version fell
                    // back to a scalar loop with a data-dependent branch). A tail is redone as the
                    // row's last eight (a tap applied twice changes nothing), or, in a row shorter
                    // than eight, through a padded copy.
                    for (long ow = lo; ow < hi; ow += 8) {
                        const long at = ow + 8 <= hi ? ow : (hi - lo >= 8 ? hi - 8 : ow);
                        const long n = ck_min(8, hi - at);
                        float values[8], maxima[8];
                        int32_t chosen[8];
                        const float *v = in + at * sw;
                        float *m = out + at;
                        int32_t *c = index ? index + at : chosen;
                        long step = sw;
                        if (n < 8) {
                            for (long k = 0; k < 8; k++) {
                                values[k] = k < n ? in[(at + k) * sw] : -INFINITY;
                                maxima[k] = k < n ? out[at + k] : 0;
                                chosen[k] = k < n && index ? index[at + k] : 0;
                            }
                            v = values, m = maxima, c = chosen, step = 1;
                        }
                        CK_FN(max_step8)(v, step, m, c, base + (int32_t)(at * sw), (int32_t)sw);
                        if (n < 8) {
                            for (long k = 0; k < n; k++) out[at + k] = maxima[k];
                            if (index) for (long k = 0; k < n; k++) index[at + k] = chosen[k];
                        }
                    }
                }
            }
        }
    }
}

/// The divisor of output (oh, ow) as PyTorch's avg_pool2d computes it; 0 when the window holds
/// no input element (its output is 0).
static inline long CK_FN(avg_divisor)(const ck_window2d *g, long oh, long ow, int count_include_pad,
                                      long divisor_override) {
    long h0 = oh * g->stride_h - g->pad_h, w0 = ow * g->stride_w - g->pad_w;
    long h1 = ck_min(h0 + g->kernel_h, g->height + g->pad_h), w1 = ck_min(w0 + g->kernel_w, g->width + g->pad_w);
    const long padded = (h1 - h0) * (w1 - w0);
    h0 = h0 < 0 ? 0 : h0;
    w0 = w0 < 0 ? 0 : w0;
    h1 = ck_min(h1, g->height);
    w1 = ck_min(w1, g->width);
    if (h0 >= h1 || w0 >= w1) return 0;
    if (divisor_override > 0) return divisor_override;
    return count_include_pad ? padded : (h1 - h0) * (w1 - w0);
}

void CK_FN(ck_avg_pool2d)(const ck_window2d *g, long planes, int count_include_pad, long divisor_override,
                          const float *x, float *y) {
    const long ow_n = g->out_w, sw = g->stride_w, plane_in = g->height * g->width;
    ck_tap_columns taps;
    CK_FN(tap_columns_init)(&taps, g);
    for (long p = 0; p < planes; p++) {
        const float *plane = x + p * plane_in;
        for (long oh = 0; oh < g->out_h; oh++) {
            float *out = y + (p * g->out_h + oh) * ow_n;
            for (long ow = 0; ow < ow_n; ow++) out[ow] = 0;
            long first, end;
            CK_FN(window_rows)(g, oh, &first, &end);
            for (long i = first; i < end; i++) {
                const long ih = oh * g->stride_h - g->pad_h + i;
                for (long j = 0; j < g->kernel_w; j++) {
                    const long offset = j - g->pad_w;
                    long lo, hi;
                    CK_FN(tap_columns)(&taps, g, j, &lo, &hi);
                    const float *in = plane + ih * g->width + offset;
                    long ow = lo;
                    for (; ow + 8 <= hi; ow += 8) store8(out + ow, load8(out + ow) + CK_FN(strided8)(in + ow * sw, sw));
                    for (; ow < hi; ow++) out[ow] += in[ow * sw];
                }
            }
            for (long ow = 0; ow < ow_n; ow++) {
                const long divisor = CK_FN(avg_divisor)(g, oh, ow, count_include_pad, divisor_override);
                out[ow] = divisor == 0 ? 0.0f : out[ow] / (float)divisor;
            }
        }
    }
}

void CK_FN(ck_avg_pool2d_backward)(const ck_window2d *g, long planes, int count_include_pad,
                                   long divisor_override, const float *dy, float *dx) {
    enum { CHUNK = 256 };
    const long ow_n = g->out_w, sw = g->stride_w, plane_in = g->height * g->width;
    float share[CHUNK];
    ck_tap_columns taps;
    CK_FN(tap_columns_init)(&taps, g);
    for (long p = 0; p < planes; p++) {
        float *plane = dx + p * plane_in;
        for (long oh = 0; oh < g->out_h; oh++) {
            const float *grad = dy + (p * g->out_h + oh) * ow_n;
            long first, end;
            CK_FN(window_rows)(g, oh, &first, &end);
            // Output columns a chunk at a time, so each one's share dy / divisor is computed once.
            for (long c0 = 0; c0 < ow_n; c0 += CHUNK) {
                const long c1 = ck_min(c0 + CHUNK, ow_n);
                for (long ow = c0; ow < c1; ow++) {
                    const long divisor = CK_FN(avg_divisor)(g, oh, ow, count_include_pad, divisor_override);
                    share[ow - c0] = divisor == 0 ? 0.0f : grad[ow] / (float)divisor;
                }
                for (long i = first; i < end; i++) {
                    const long ih = oh * g->stride_h - g->pad_h + i;
                    for (long j = 0; j < g->kernel_w; j++) {
                        const long offset = j - g->pad_w;
                        long lo, hi;
                        CK_FN(tap_columns)(&taps, g, j, &lo, &hi);
                        lo = lo < c0 ? c0 : lo;
                        hi = ck_min(hi, c1);
                        float *out = plane + ih * g->width + offset;
                        // Windows overlap when stride < kernel: sequential adds, no vector scatter.
                        for (long ow = lo; ow < hi; ow++) out[ow * sw] += share[ow - c0];
                    }
                }
            }
        }
    }
}
