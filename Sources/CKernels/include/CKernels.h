#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Instruction-set level a kernel runs at. Chosen once by `ck_detect_isa`; tests force either.
typedef enum {
    CK_ISA_PORTABLE = 0,  ///< baseline x86-64 / any CPU: plain C the compiler vectorizes with SSE2
    CK_ISA_AVX2_FMA = 1,  ///< AVX2 + FMA3 intrinsics, compiled with a per-function target attribute
    /// AVX-512F gemm kernels (the gemm entry points only: `ck_gemm_isa`); every other kernel takes
    /// CK_ISA_AVX2_FMA on such a CPU.
    CK_ISA_AVX512F = 2,
} ck_isa;

/// The best ISA this CPU and OS support (CPUID leaf 7 AVX2, leaf 1 FMA/OSXSAVE, XCR0 YMM state).
ck_isa ck_detect_isa(void);

/// The ISA the gemm runs at: CK_ISA_AVX512F where the CPU has AVX-512F, the OS saves ZMM state and
/// the environment variable CK_GEMM_ISA=avx2 does not cap it (for valgrind, which has no AVX-512,
/// and for benchmarks of the AVX2 kernels), else `ck_detect_isa()`. Read once per process.
ck_isa ck_gemm_isa(void);
/// The two dot-product kernels, row-major C = alpha·A·Bᵀ + beta·C (A m×k, B n×k), entered
/// directly only by tests (so both are checked on a CPU that has AVX-512); call the AVX2 one
/// only when `ck_detect_isa()` saw AVX2, the AVX-512 one only when `ck_gemm_isa()` is CK_ISA_AVX512F.
void ck_sgemm_dot_avx2(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                       float beta, float *c, long ldc);
void ck_sgemm_dot_avx512(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                         float beta, float *c, long ldc);

/// Cores this process may run on: the affinity mask (so `taskset` counts), lowered to a cgroup v2
/// cpu.max quota rounded up (a container limited to 1.5 CPUs gets 2), at least 1.
long ck_usable_cpu_count(void);
/// Cores a cgroup v2 cpu.max text allows, rounded up ("150000 100000" → 2); 0 for "max" or
/// malformed text.
long ck_parse_cpu_max(const char *text);
/// The tightest cpu.max quota (in cores, rounded up) on the path from the process's cgroup, named
/// by the "0::/path" line of /proc/self/cgroup text `proc_cgroup`, up to `cgroup_root` (the v2
/// mount); 0 when no level has a quota.
long ck_cgroup_cpu_limit(const char *cgroup_root, const char *proc_cgroup);

/// Which algorithm a gemm of a given full shape uses. Chosen from the full shape only, never
/// from a thread's share of it, so the arithmetic per element is the same for any thread count.
typedef enum {
    CK_GEMM_PACKED = 0,  ///< Goto/BLIS: packed A and B panels, 6x16 register tile (AVX-512: 12x32)
    CK_GEMM_DOT = 1,     ///< A·Bᵀ with few rows of A: 3x4 tiles of dot products, nothing packed
    CK_GEMM_ROWS = 2,    ///< A·B with few rows of A: 6x16 tiles reading B rows in place, nothing packed
    CK_GEMM_PORTABLE = 3,  ///< the portable loops (no AVX2)
    CK_GEMM_PACKED_BT = 4,  ///< A·Bᵀ with m < k: packed A, B rows read in place, 16x6 register tile (AVX-512: 32x12)
} ck_gemm_algo;

typedef struct {
    ck_gemm_algo algo;
    int row_align;  ///< a thread's share of rows starts at a multiple of this
    int col_align;  ///< a thread's share of columns starts at a multiple of this
} ck_gemm_plan;

/// The plan for `isa` (the algorithm depends on the shape only; the tiles, so the alignments and the
/// packed layout, on the ISA too).
ck_gemm_plan ck_sgemm_plan(ck_isa isa, int trans_a, int trans_b, long m, long n, long k);

/// Row-major `C = alpha·op(A)·op(B) + beta·C` on a rectangle of C, with `plan` made for the
/// FULL problem. Pointers are already offset to the rectangle; `k` is the full depth.
/// With beta == 0, C is not read.
void ck_sgemm(ck_isa isa, ck_gemm_plan plan, int trans_a, int trans_b,
              long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// For a packed gemm (CK_GEMM_PACKED or CK_GEMM_PACKED_BT) cut into column bands: op(A) packed
/// once, shared by every band, instead of each thread packing all of A again. The layout is the
/// plan's. Size in floats of the packed op(A):
size_t ck_sgemm_packed_a_size(ck_gemm_plan plan, long m, long k);
/// Packs rows [r0, r1) of op(A), r0 a multiple of the plan's row_align; threads may pack
/// disjoint row ranges into the same buffer at once.
void ck_sgemm_pack_a_rows(ck_isa isa, ck_gemm_plan plan, int trans_a, long m, long k, long r0, long r1,
                          const float *a, long lda, float *packed);
/// The packed gemm of a column band (b and c offset to it; m and k full) reading A from `packed_a`.
void ck_sgemm_prepacked_a(ck_isa isa, ck_gemm_plan plan, int trans_b, long m, long n, long k, float alpha,
                          const float *packed_a, const float *b, long ldb, float beta, float *c, long ldc);
/// The calling thread's buffer for a shared packed A, reused across calls (a third scratch slot).
float *ck_shared_pack_buffer(size_t floats);

/// Activation kinds of the elementwise kernels (Swift's `Activation`).
typedef enum {
    CK_ACT_IDENTITY = 0,
    CK_ACT_RELU = 1,
    CK_ACT_LEAKY_RELU = 2,
    CK_ACT_SIGMOID = 3,
    CK_ACT_TANH = 4,
    CK_ACT_GELU = 5,
} ck_activation;

// Elementwise kernels; semantics are documented on the Swift functions that wrap them.
void ck_act_forward(ck_isa isa, int kind, float slope, const float *x, float *y, long n);
void ck_act_backward(ck_isa isa, int kind, float slope, const float *x, const float *y, const float *dy,
                     float *dx, long n);
void ck_add_bias(ck_isa isa, const float *bias, float *y, long rows, long columns);
void ck_add_bias_activation(ck_isa isa, const float *bias, float *z, float *y, long rows, long columns,
                            int kind, float slope);
void ck_sum_rows(ck_isa isa, const float *x, long rows, long columns, float *out, int accumulate);
void ck_softmax_rows(ck_isa isa, const float *x, float *y, long rows, long columns);
void ck_log_softmax_rows(ck_isa isa, const float *x, float *y, long rows, long columns);
void ck_softmax_rows_backward(ck_isa isa, const float *y, const float *dy, float *dx, long rows, long columns);
double ck_cross_entropy(ck_isa isa, const float *z, const int32_t *labels, long rows, long classes,
                        float *gradient);
double ck_mse(ck_isa isa, const float *p, const float *t, long n, float *gradient);
void ck_axpy(ck_isa isa, float alpha, const float *x, float *y, long n);
void ck_scale(ck_isa isa, float *x, float alpha, long n);
double ck_sum(ck_isa isa, const float *x, long n);
float ck_dot(ck_isa isa, const float *x, const float *y, long n);
/// Index of the first NaN or infinity in `x[0..<n]`, or -1 when every value is finite.
long ck_first_nonfinite(const float *x, long n);

/// One pass over x[0..<n] (Sources/Kernels/Statistics.swift): min, max, Σx and Σx² in double,
/// and how many elements equal zero (−0 included). All zero when n is 0.
typedef struct {
    float min, max;
    double sum, sum_squares;
    long zeros;
} ck_moments;
ck_moments ck_moments_of(const float *x, long n);
/// The second pass: counts[b] for b in 0..<bins of the elements with edges[b] <= x < edges[b+1]
/// (the last bin also holds x == edges[bins], as numpy.histogram; elements outside are not
/// counted), and the return value Σ(x − mean)² in double.
double ck_histogram(const float *x, long n, const float *edges, long bins, double mean, int64_t *counts);
/// Means of a row-major rows×cols matrix over cell_rows×cell_cols cells: cell (i, j) covers rows
/// ⌊i·rows/cell_rows⌋ ..< ⌊(i+1)·rows/cell_rows⌋ and likewise columns; column_cell[c] is the cell
/// column of column c, sums has cell_cols doubles of scratch, out receives cell_rows·cell_cols.
void ck_pool_means(const float *x, long rows, long cols, long cell_rows, long cell_cols,
                   const int32_t *column_cell, double *sums, float *out);

/// One plane's 2-D window sweep (a convolution's im2col, or a pooling): input height × width,
/// kernel, stride, zero padding and dilation per dimension, and the output size the caller
/// computed (Sources/Kernels/Conv2DGeometry.swift, Pool2DGeometry.swift validate all of it).
typedef struct {
    long height, width;
    long kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
    long out_h, out_w;
} ck_window2d;

/// im2col of `channels` planes of `image` for output rows [oh0, oh1): row (c·kh + i)·kw + j of
/// `columns` holds, for each output position of those rows, the input under kernel tap (i, j)
/// of channel c (0 in the padding). Row stride (oh1 − oh0)·out_w.
void ck_im2col(ck_isa isa, const ck_window2d *g, long channels, long oh0, long oh1, const float *image,
               float *columns);
/// The adjoint of ck_im2col: adds every entry of `columns` into the input element it was read from
/// (the padding's entries are dropped). `image` is accumulated into, not overwritten.
void ck_col2im(ck_isa isa, const ck_window2d *g, long channels, long oh0, long oh1, const float *columns,
               float *image);
/// y[i, j] = values[i] for a rows × columns matrix (a convolution's bias, before a beta = 1 gemm).
void ck_fill_rows(const float *values, float *y, long rows, long columns);
/// The calling thread's buffer for a convolution's columns, reused across calls (a fourth scratch slot).
float *ck_conv_scratch(size_t floats);

/// Max pooling of `planes` planes as PyTorch's CPU kernel: each output is the first maximum of its
/// window in row-major order (a NaN wins and propagates), -inf for a window wholly in the padding;
/// `indices` (may be NULL) receives its flat index ih·width + iw within the plane.
void ck_max_pool2d(ck_isa isa, const ck_window2d *g, long planes, const float *x, float *y, int32_t *indices);
/// dx[indices[o]] += dy[o] per plane, outputs in row-major order; dx is accumulated into.
void ck_max_pool2d_backward(const ck_window2d *g, long planes, const float *dy, const int32_t *indices, float *dx);
/// Average pooling as PyTorch's: the window's sum over its in-bounds elements, divided by
/// `divisor_override` when > 0, else by the window's size clipped to the padded input
/// (count_include_pad) or to the input; 0 for a window wholly in the padding.
void ck_avg_pool2d(ck_isa isa, const ck_window2d *g, long planes, int count_include_pad, long divisor_override,
                   const float *x, float *y);
/// The adjoint: each dy spread evenly (by the same divisor) over its window's in-bounds elements;
/// dx is accumulated into.
void ck_avg_pool2d_backward(ck_isa isa, const ck_window2d *g, long planes, int count_include_pad,
                            long divisor_override, const float *dy, float *dx);

#include "ck_json.h"

#endif
