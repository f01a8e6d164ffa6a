// Portable gemm for CPUs without AVX2/FMA: plain loops the compiler vectorizes for baseline
// SSE2. Several times slower than the AVX2 path but correct everywhere; never a SIGILL.
#include "ck_internal.h"

void ck_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        if (!trans_b) {
            // Row of C as an accumulator: c_i = beta·c_i + Σ_p (alpha·a_ip)·b_p, j innermost.
            if (beta == 0) for (long j = 0; j < n; j++) ci[j] = 0;
            else if (beta != 1) for (long j = 0; j < n; j++) ci[j] *= beta;
            for (long p = 0; p < k; p++) {
                const float av = alpha * (trans_a ? a[p * lda + i] : a[i * lda + p]);
                const float *bp = b + p * ldb;
                for (long j = 0; j < n; j++) ci[j] += av * bp[j];
            }
        } else {
            for (long j = 0; j < n; j++) {
                const float *bj = b + j * ldb;
                // Four partial sums break the dependency chain of a single running total.
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                long p = 0;
                if (!trans_a) {
                    const float *ai = a + i * lda;
                    for (; p + 4 <= k; p += 4) {
                        s0 += ai[p] * bj[p];
                        s1 += ai[p + 1] * bj[p + 1];
                        s2 += ai[p + 2] * bj[p + 2];
                        s3 += ai[p + 3] * bj[p + 3];
                    }
                    for (; p < k; p++) s0 += ai[p] * bj[p];
                } else {
                    for (; p < k; p++) s0 += a[p * lda + i] * bj[p];
                }
                const float s = (s0 + s1) + (s2 + s3);
                ci[j] = beta == 0 ? alpha * s : alpha * s + beta * ci[j];
            }
        }
    }
}
