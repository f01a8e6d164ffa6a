// Gemm entry points: the algorithm choice from the full shape, and the ISA dispatch.
#include "ck_internal.h"

// Up to these row counts packing B costs more than it saves; a narrow A·Bᵀ (the output layer
// of a classifier) is also better as dot products than as 16-wide tiles mostly padding.
// Measured on Zen 3 with a C harness over the MLP shapes of kernel-bench.
enum { DOT_MAX_ROWS = 32, DOT_MAX_COLUMNS = 16, ROWS_MAX_ROWS = 32 };

ck_gemm_plan ck_sgemm_plan(ck_isa isa, int trans_a, int trans_b, long m, long n, long k) {
    (void)k;
    ck_gemm_plan plan = {CK_GEMM_PACKED, CK_MR, CK_NR};
    if (isa == CK_ISA_PORTABLE) {
        plan.row_align = 1;
        plan.col_align = 1;
    } else if (!trans_a && trans_b && (m <= DOT_MAX_ROWS || n <= DOT_MAX_COLUMNS)) {
        plan = (ck_gemm_plan){CK_GEMM_DOT, CK_DOT_MR, CK_DOT_NR};
    } else if (!trans_b && m <= ROWS_MAX_ROWS) {
        plan = (ck_gemm_plan){CK_GEMM_ROWS, CK_MR, CK_NR};
    }
    return plan;
}

void ck_sgemm(ck_isa isa, ck_gemm_plan plan, int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0) {
        // No products (as in BLAS, alpha == 0 does not read A or B): C = beta·C, and with
        // beta == 0 C is overwritten, never read.
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return;
    }
#if defined(__x86_64__)
    if (isa == CK_ISA_AVX2_FMA) {
        ck_sgemm_avx2(plan, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    ck_sgemm_portable(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
