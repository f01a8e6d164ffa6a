// ISA dispatch of the elementwise kernels: one line per kernel, AVX2 where ck_detect_isa saw it.
#include "ck_internal.h"

#define DECLARE(ret, name, params) ret name##_avx2 params; ret name##_portable params;
DECLARE(void, ck_act_forward, (int, float, const float *, float *, long))
DECLARE(void, ck_act_backward, (int, float, const float *, const float *, const float *, float *, long))
DECLARE(void, ck_add_bias, (const float *, float *, long, long))
DECLARE(void, ck_add_bias_activation, (const float *, float *, float *, long, long, int, float))
DECLARE(void, ck_sum_rows, (const float *, long, long, float *, int))
DECLARE(void, ck_softmax_rows, (const float *, float *, long, long))
DECLARE(void, ck_log_softmax_rows, (const float *, float *, long, long))
DECLARE(void, ck_softmax_rows_backward, (const float *, const float *, float *, long, long))
DECLARE(double, ck_cross_entropy, (const float *, const int32_t *, long, long, float *))
DECLARE(double, ck_mse, (const float *, const float *, long, float *))
DECLARE(void, ck_axpy, (float, const float *, float *, long))
DECLARE(void, ck_scale, (float *, float, long))
DECLARE(double, ck_sum, (const float *, long))
DECLARE(float, ck_dot, (const float *, const float *, long))

#if defined(__x86_64__)
#define CALL(isa, name, ...) ((isa) == CK_ISA_AVX2_FMA ? name##_avx2(__VA_ARGS__) : name##_portable(__VA_ARGS__))
#else
#define CALL(isa, name, ...) (name##_portable(__VA_ARGS__))
#endif

void ck_act_forward(ck_isa isa, int kind, float slope, const float *x, float *y, long n) {
    CALL(isa, ck_act_forward, kind, slope, x, y, n);
}
void ck_act_backward(ck_isa isa, int kind, float slope, const float *x, const float *y, const float *dy,
                     float *dx, long n) {
    CALL(isa, ck_act_backward, kind, slope, x, y, dy, dx, n);
}
void ck_add_bias(ck_isa isa, const float *bias, float *y, long rows, long columns) {
    CALL(isa, ck_add_bias, bias, y, rows, columns);
}
void ck_add_bias_activation(ck_isa isa, const float *bias, float *z, float *y, long rows, long columns,
                            int kind, float slope) {
    CALL(isa, ck_add_bias_activation, bias, z, y, rows, columns, kind, slope);
}
void ck_sum_rows(ck_isa isa, const float *x, long rows, long columns, float *out, int accumulate) {
    CALL(isa, ck_sum_rows, x, rows, columns, out, accumulate);
}
void ck_softmax_rows(ck_isa isa, const float *x, float *y, long rows, long columns) {
    CALL(isa, ck_softmax_rows, x, y, rows, columns);
}
void ck_log_softmax_rows(ck_isa isa, const float *x, float *y, long rows, long columns) {
    CALL(isa, ck_log_softmax_rows, x, y, rows, columns);
}
void ck_softmax_rows_backward(ck_isa isa, const float *y, const float *dy, float *dx, long rows, long columns) {
    CALL(isa, ck_softmax_rows_backward, y, dy, dx, rows, columns);
}
double ck_cross_entropy(ck_isa isa, const float *z, const int32_t *labels, long rows, long classes,
                        float *gradient) {
    return CALL(isa, ck_cross_entropy, z, labels, rows, classes, gradient);
}
double ck_mse(ck_isa isa, const float *p, const float *t, long n, float *gradient) {
    return CALL(isa, ck_mse, p, t, n, gradient);
}
void ck_axpy(ck_isa isa, float alpha, const float *x, float *y, long n) { CALL(isa, ck_axpy, alpha, x, y, n); }
void ck_scale(ck_isa isa, float *x, float alpha, long n) { CALL(isa, ck_scale, x, alpha, n); }
double ck_sum(ck_isa isa, const float *x, long n) { return CALL(isa, ck_sum, x, n); }
float ck_dot(ck_isa isa, const float *x, const float *y, long n) { return CALL(isa, ck_dot, x, y, n); }
