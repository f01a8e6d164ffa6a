// Summary statistics, histograms and mean pooling for looking at parameters
// (Sources/Kernels/Statistics.swift states the semantics; numpy is the reference).
#include "CKernels.h"

// Eight independent lanes per sum: the compiler may not reorder floating-point additions, so
// one accumulator would be one long dependency chain; eight lanes vectorize and keep a fixed order.
#define LANES 8

ck_moments ck_moments_of(const float *x, long n) {
    ck_moments result = {0, 0, 0, 0, 0};
    if (n <= 0) return result;
    double sum[LANES] = {0}, squares[LANES] = {0};
    long zeros[LANES] = {0};
    float lo[LANES], hi[LANES];
    for (int j = 0; j < LANES; j++) lo[j] = hi[j] = x[0];
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            const float v = x[i + j];
            const double d = (double)v;
            sum[j] += d;
            squares[j] += d * d;
            zeros[j] += v == 0.0f;
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = v > hi[j] ? v : hi[j];
        }
    }
    for (; i < n; i++) {
        const float v = x[i];
        sum[0] += (double)v;
        squares[0] += (double)v * (double)v;
        zeros[0] += v == 0.0f;
        lo[0] = v < lo[0] ? v : lo[0];
        hi[0] = v > hi[0] ? v : hi[0];
    }
    result.min = lo[0];
    result.max = hi[0];
    for (int j = 0; j < LANES; j++) {
        result.sum += sum[j];
        result.sum_squares += squares[j];
        result.zeros += zeros[j];
        result.min = lo[j] < result.min ? lo[j] : result.min;
        result.max = hi[j] > result.max ? hi[j] : result.max;
    }
    return result;
}

double ck_histogram(const float *x, long n, const float *edges, long bins, double mean, int64_t *counts) {
    for (long b = 0; b < bins; b++) counts[b] = 0;
    if (n <= 0 || bins <= 0) return 0;
    const double first = edges[0];
    const double scale = (double)bins / ((double)edges[bins] - first);
    double deviations[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            const double d = (double)x[i + j] - mean;
            deviations[j] += d * d;
        }
    }
    for (; i < n; i++) {
        const double d = (double)x[i] - mean;
        deviations[0] += d * d;
    }
    for (i = 0; i < n; i++) {
        const float v = x[i];
        if (!(v >= edges[0] && v <= edges[bins])) continue;
        // A guess from the arithmetic, then exact against the float32 edges: bin b holds
        // edges[b] <= v < edges[b+1], and the last bin also holds v == edges[bins].
        long b = (long)(((double)v - first) * scale);
        if (b < 0) b = 0;
        if (b > bins - 1) b = bins - 1;
        while (b > 0 && v < edges[b]) b--;
        while (b < bins - 1 && v >= edges[b + 1]) b++;
        counts[b]++;
    }
    double total = 0;
    for (int j = 0; j < LANES; j++) total += deviations[j];
    return total;
}

void ck_pool_means(const float *x, long rows, long cols, long cell_rows, long cell_cols,
                   const int32_t *column_cell, double *sums, float *out) {
    for (long i = 0; i < cell_rows; i++) {
        const long r0 = i * rows / cell_rows, r1 = (i + 1) * rows / cell_rows;
        for (long j = 0; j < cell_cols; j++) sums[j] = 0;
        for (long r = r0; r < r1; r++) {
            const float *row = x + r * cols;
            for (long c = 0; c < cols; c++) sums[column_cell[c]] += (double)row[c];
        }
        for (long j = 0; j < cell_cols; j++) {
            const long c0 = j * cols / cell_cols, c1 = (j + 1) * cols / cell_cols;
            out[i * cell_cols + j] = (float)(sums[j] / (double)((r1 - r0) * (c1 - c0)));
        }
    }
}
