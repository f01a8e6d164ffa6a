// The elementwise kernels, written once and compiled twice: elementwise_avx2.c includes this
// inside a target("avx2,fma") region with CK_FN(name) = name##_avx2, elementwise_portable.c
// with CK_FN(name) = name##_portable. Plain loops are left to the auto-vectorizer; the
// transcendental ones use vector_math.h. Summation orders are fixed by the code (never by
// the thread or the ISA width), so each build is deterministic.
#include <math.h>
#include "ck_internal.h"
#include "vector_math.h"

/// Applies `F` (a v8f -> v8f function) to n floats, 8 at a time, the tail through a padded vector.
#define MAP8(F, x, y, n)                                                  \
    do {                                                                  \
        long i_ = 0;                                                      \
        for (; i_ + 8 <= (n); i_ += 8) store8((y) + i_, F(load8((x) + i_))); \
        if (i_ < (n)) store_partial((y) + i_, F(load_partial((x) + i_, (n) - i_, 0.0f)), (n) - i_); \
    } while (0)

void CK_FN(ck_act_forward)(int kind, float slope, const float *x, float *y, long n) {
    switch (kind) {
    case CK_ACT_IDENTITY:
        if (x != y) memmove(y, x, (size_t)n * sizeof(float));
        break;
    case CK_ACT_RELU:
        for (long i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
        break;
    case CK_ACT_LEAKY_RELU:
        for (long i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
        break;
    case CK_ACT_SIGMOID: MAP8(vsigmoid, x, y, n); break;
    case CK_ACT_TANH: MAP8(vtanh, x, y, n); break;
    case CK_ACT_GELU: MAP8(vgelu, x, y, n); break;
    }
}

/// dx = dy·f'(x) with the derivative's exact scalar form, so 0·inf and NaN behave as the reference.
#define BACKWARD8(DERIVATIVE)                                                           \
    do {                                                                                \
        long i = 0;                                                                     \
        for (; i + 8 <= n; i += 8) store8(dx + i, load8(dy + i) * DERIVATIVE(i, load8)); \
        if (i < n) {                                                                    \
            const long r = n - i;                                                       \
            store_partial(dx + i, load_partial(dy + i, r, 0) * DERIVATIVE(i, PARTIAL), r); \
        }                                                                               \
    } while (0)
#define PARTIAL(p) load_partial(p, r, 0)
#define SIGMOID_D(i, LOAD) (LOAD(y + i) * (1.0f - LOAD(y + i)))
#define TANH_D(i, LOAD) (1.0f - LOAD(y + i) * LOAD(y + i))
#define GELU_D(i, LOAD) vgelu_derivative(LOAD(x + i))

void CK_FN(ck_act_backward)(int kind, float slope, const float *x, const float *y, const float *dy, float *dx,
                            long n) {
    switch (kind) {
    case CK_ACT_IDENTITY:
        if (dy != dx) memmove(dx, dy, (size_t)n * sizeof(float));
        break;
    case CK_ACT_RELU:
        for (long i = 0; i < n; i++) dx[i] = dy[i] * (x[i] > 0 ? 1.0f : 0.0f);
        break;
    case CK_ACT_LEAKY_RELU:
        for (long i = 0; i < n; i++) dx[i] = dy[i] * (x[i] > 0 ? 1.0f : slope);
        break;
    case CK_ACT_SIGMOID: BACKWARD8(SIGMOID_D); break;
    case CK_ACT_TANH: BACKWARD8(TANH_D); break;
    case CK_ACT_GELU: BACKWARD8(GELU_D); break;
    }
}

void CK_FN(ck_add_bias)(const float *bias, float *y, long rows, long columns) {
    for (long i = 0; i < rows; i++) {
        float *row = y + i * columns;
        for (long j = 0; j < columns; j++) row[j] += bias[j];
    }
}

void CK_FN(ck_add_bias_activation)(const float *bias, float *z, float *y, long rows, long columns, int kind,
                                   float slope) {
    for (long i = 0; i < rows; i++) {
        float *zr = z + i * columns;
        for (long j = 0; j < columns; j++) zr[j] += bias[j];
        // Row by row, so the activation reads z while it is still in L1.
        CK_FN(ck_act_forward)(kind, slope, zr, y + i * columns, columns);
    }
}

void CK_FN(ck_sum_rows)(const float *x, long rows, long columns, float *out, int accumulate) {
    if (!accumulate) for (long j = 0; j < columns; j++) out[j] = 0;
    // Row order, as the scalar reference: each out[j] is the same sequence of float additions.
    for (long i = 0; i < rows; i++) {
        const float *row = x + i * columns;
        for (long j = 0; j < columns; j++) out[j] += row[j];
    }
}

/// Maximum of a row (−inf when empty).
static inline float row_max(const float *x, long n) {
    v8f m = splat(-__builtin_inff());
    long j = 0;
    for (; j + 8 <= n; j += 8) m = max8(m, load8(x + j));
    if (j < n) m = max8(m, load_partial(x + j, n - j, -__builtin_inff()));
    return hmax8(m);
}

/// Σ e^{x_j − shift}; with `out`, also stores each e^{x_j − shift} there.
static inline float row_exp_sum(const float *x, long n, float shift, float *out) {
    v8f s = splat(0);
    long j = 0;
    for (; j + 8 <= n; j += 8) {
        const v8f e = vexp(load8(x + j) - shift);
        if (out) store8(out + j, e);
        s += e;
    }
    if (j < n) {
        // Padding lanes hold −inf: e^{−inf} = 0 adds nothing.
        const v8f e = vexp(load_partial(x + j, n - j, -__builtin_inff()) - shift);
        if (out) store_partial(out + j, e, n - j);
        s += e;
    }
    return hsum8(s);
}

void CK_FN(ck_softmax_rows)(const float *x, float *y, long rows, long columns) {
    for (long i = 0; i < rows; i++) {
        const float *xr = x + i * columns;
        float *yr = y + i * columns;
        const float s = row_exp_sum(xr, columns, row_max(xr, columns), yr);
        for (long j = 0; j < columns; j++) yr[j] /= s;
    }
}

void CK_FN(ck_log_softmax_rows)(const float *x, float *y, long rows, long columns) {
    for (long i = 0; i < rows; i++) {
        const float *xr = x + i * columns;
        float *yr = y + i * columns;
        const float m = row_max(xr, columns);
        const float log_sum = logf(row_exp_sum(xr, columns, m, NULL));
        for (long j = 0; j < columns; j++) yr[j] = (xr[j] - m) - log_sum;
    }
}

/// Σ x_j·y_j in 8 float lanes, lanes summed by hsum8.
static inline float row_dot(const float *x, const float *y, long n) {
    v8f s = splat(0);
    long j = 0;
    for (; j + 8 <= n; j += 8) s += load8(x + j) * load8(y + j);
    if (j < n) s += load_partial(x + j, n - j, 0) * load_partial(y + j, n - j, 0);
    return hsum8(s);
}

void CK_FN(ck_softmax_rows_backward)(const float *y, const float *dy, float *dx, long rows, long columns) {
    for (long i = 0; i < rows; i++) {
        const float *yr = y + i * columns, *dyr = dy + i * columns;
        float *dxr = dx + i * columns;
        const float d = row_dot(dyr, yr, columns);
        for (long j = 0; j < columns; j++) dxr[j] = yr[j] * (dyr[j] - d);
    }
}

double CK_FN(ck_cross_entropy)(const float *z, const int32_t *labels, long rows, long classes, float *gradient) {
    double total = 0;
    for (long i = 0; i < rows; i++) {
        const float *zr = z + i * classes;
        const float m = row_max(zr, classes);
        const float lse = m + logf(row_exp_sum(zr, classes, m, NULL));
        const long label = labels[i];
        total += (double)(lse - zr[label]);
        if (gradient) {
            // dL/dz = (softmax(z) − onehot)/rows, softmax as e^{z − lse} like the reference.
            float *gr = gradient + i * classes;
            row_exp_sum(zr, classes, lse, gr);
            gr[label] -= 1;
            for (long j = 0; j < classes; j++) gr[j] /= (float)rows;
        }
    }
    return total / (double)rows;
}

double CK_FN(ck_mse)(const float *p, const float *t, long n, float *gradient) {
    const float scale = 2 / (float)n;
    v4d s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const v8f d = load8(p + i) - load8(t + i);
        const v8f d2 = d * d;
        s0 += __builtin_convertvector(__builtin_shufflevector(d2, d2, 0, 1, 2, 3), v4d);
        s1 += __builtin_convertvector(__builtin_shufflevector(d2, d2, 4, 5, 6, 7), v4d);
        if (gradient) store8(gradient + i, scale * d);
    }
    double total = (s0[0] + s1[0]) + (s0[1] + s1[1]) + (s0[2] + s1[2]) + (s0[3] + s1[3]);
    for (; i < n; i++) {
        const float d = p[i] - t[i];
        total += (double)(d * d);
        if (gradient) gradient[i] = scale * d;
    }
    return total / (double)n;
}

void CK_FN(ck_axpy)(float alpha, const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] += alpha * x[i];
}

void CK_FN(ck_scale)(float *x, float alpha, long n) {
    for (long i = 0; i < n; i++) x[i] *= alpha;
}

double CK_FN(ck_sum)(const float *x, long n) {
    v4d s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const v8f v = load8(x + i);
        s0 += __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), v4d);
        s1 += __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), v4d);
    }
    double total = (s0[0] + s1[0]) + (s0[1] + s1[1]) + (s0[2] + s1[2]) + (s0[3] + s1[3]);
    for (; i < n; i++) total += (double)x[i];
    return total;
}

float CK_FN(ck_dot)(const float *x, const float *y, long n) {
    // Four vector accumulators hide the add latency; combined in a fixed order.
    v8f s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 += load8(x + i) * load8(y + i);
        s1 += load8(x + i + 8) * load8(y + i + 8);
        s2 += load8(x + i + 16) * load8(y + i + 16);
        s3 += load8(x + i + 24) * load8(y + i + 24);
    }
    for (; i + 8 <= n; i += 8) s0 += load8(x + i) * load8(y + i);
    if (i < n) s1 += load_partial(x + i, n - i, 0) * load_partial(y + i, n - i, 0);
    return hsum8((s0 + s1) + (s2 + s3));
}
