// ISA dispatch of the window kernels (window_impl.h), and the two that need no vector code.
#include "ck_internal.h"

#define DECLARE(ret, name, params) ret name##_avx2 params; ret name##_portable params;
DECLARE(void, ck_im2col, (const ck_window2d *, long, long, long, const float *, float *))
DECLARE(void, ck_col2im, (const ck_window2d *, long, long, long, const float *, float *))
DECLARE(void, ck_max_pool2d, (const ck_window2d *, long, const float *, float *, int32_t *))
DECLARE(void, ck_avg_pool2d, (const ck_window2d *, long, int, long, const float *, float *))
DECLARE(void, ck_avg_pool2d_backward, (const ck_window2d *, long, int, long, const float *, float *))

#if defined(__x86_64__)
#define CALL(isa, name, ...) ((isa) == CK_ISA_AVX2_FMA ? name##_avx2(__VA_ARGS__) : name##_portable(__VA_ARGS__))
#else
#define CALL(isa, name, ...) (name##_portable(__VA_ARGS__))
#endif

void ck_im2col(ck_isa isa, const ck_window2d *g, long channels, long oh0, long oh1, const float *image,
               float *columns) {
    CALL(isa, ck_im2col, g, channels, oh0, oh1, image, columns);
}
void ck_col2im(ck_isa isa, const ck_window2d *g, long channels, long oh0, long oh1, const float *columns,
               float *image) {
    CALL(isa, ck_col2im, g, channels, oh0, oh1, columns, image);
}
void ck_max_pool2d(ck_isa isa, const ck_window2d *g, long planes, const float *x, float *y, int32_t *indices) {
    CALL(isa, ck_max_pool2d, g, planes, x, y, indices);
}
void ck_avg_pool2d(ck_isa isa, const ck_window2d *g, long planes, int count_include_pad, long divisor_override,
                   const float *x, float *y) {
    CALL(isa, ck_avg_pool2d, g, planes, count_include_pad, divisor_override, x, y);
}
void ck_avg_pool2d_backward(ck_isa isa, const ck_window2d *g, long planes, int count_include_pad,
                            long divisor_override, const float *dy, float *dx) {
    CALL(isa, ck_avg_pool2d_backward, g, planes, count_include_pad, divisor_override, dy, dx);
}

void ck_max_pool2d_backward(const ck_window2d *g, long planes, const float *dy, const int32_t *indices, float *dx) {
    // A scatter whose targets can repeat (overlapping windows): no vector form; indices outside
    // the plane (a window with no tap inside the input) are dropped.
    const long plane_in = g->height * g->width, plane_out = g->out_h * g->out_w;
    for (long p = 0; p < planes; p++) {
        float *plane = dx + p * plane_in;
        const float *grad = dy + p * plane_out;
        const int32_t *index = indices + p * plane_out;
        for (long o = 0; o < plane_out; o++) {
            if (index[o] >= 0 && index[o] < plane_in) plane[index[o]] += grad[o];
        }
    }
}

void ck_fill_rows(const float *values, float *y, long rows, long columns) {
    for (long i = 0; i < rows; i++) {
        float *row = y + i * columns;
        for (long j = 0; j < columns; j++) row[j] = values[i];
    }
}
