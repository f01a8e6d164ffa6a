// Gemm entry points: the algorithm choice from the full shape, and the ISA dispatch.
#include "ck_internal.h"

// Up to these row counts packing B costs more than it saves; a narrow A·Bᵀ (the output layer
// of a classifier) is also better as dot products than as 16-wide tiles mostly padding.
// Measured on Zen 3 with a C harness over the MLP shapes of kernel-bench.
// The dot path also makes a row's bits independent of the other rows of its batch, which the
// service relies on to run concurrent small forwards as one batch of up to DOT_MAX_ROWS rows
// (Service/ForwardCoalescer.swift; GemmRowInvarianceTests guards it).
enum { DOT_MAX_ROWS = 32, DOT_MAX_COLUMNS = 16, ROWS_MAX_ROWS = 32 };

ck_gemm_plan ck_sgemm_plan(ck_isa isa, int trans_a, int trans_b, long m, long n, long k) {
    (void)k;
    ck_gemm_plan plan = {CK_GEMM_PACKED, CK_MR, CK_NR};
    if (isa == CK_ISA_PORTABLE) {
        plan = (ck_gemm_plan){CK_GEMM_PORTABLE, 1, 1};
    } else if (!trans_a && trans_b && (m <= DOT_MAX_ROWS || n <= DOT_MAX_COLUMNS)) {
        plan = (ck_gemm_plan){CK_GEMM_DOT, CK_DOT_MR, CK_DOT_NR};
    } else if (!trans_b && m <= ROWS_MAX_ROWS) {
        plan = (ck_gemm_plan){CK_GEMM_ROWS, CK_MR, CK_NR};
    } else if (!trans_a && trans_b && m < k) {
        // Packing Bᵀ for the 6×16 tile costs O(n·k), the Bᵀ-in-place tile's transposed stores
        // O(m·n): below m = k the second is cheaper (Zen 3, kernel-bench shapes: batch 64 and 256
        // of 784→256 and batch 64 of 256→256 gain 3–11%; batch ≥ 256 of 256→256 loses 2–5%).
        plan = (ck_gemm_plan){CK_GEMM_PACKED_BT, CK_BT_MR, CK_BT_NR};
    }
    // The same algorithms on AVX-512, with its tiles (ck_internal.h).
    if (isa == CK_ISA_AVX512F && (plan.algo == CK_GEMM_PACKED || plan.algo == CK_GEMM_ROWS))
        plan = (ck_gemm_plan){plan.algo, CK_512_MR, CK_512_NR};
    if (isa == CK_ISA_AVX512F && plan.algo == CK_GEMM_PACKED_BT)
        plan = (ck_gemm_plan){CK_GEMM_PACKED_BT, CK_BT512_MR, CK_BT512_NR};
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
    if (isa == CK_ISA_AVX512F) {
        switch (plan.algo) {
        case CK_GEMM_DOT: ck_sgemm_dot_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return;
        case CK_GEMM_PACKED:
            ck_packed_gemm(&ck_packed_avx512, trans_a, trans_b, m, n, k, alpha, a, lda, NULL, b, ldb, beta, c, ldc);
            return;
        case CK_GEMM_PACKED_BT: ck_bt_gemm(&ck_bt_avx512, m, n, k, alpha, a, lda, NULL, b, ldb, beta, c, ldc); return;
        case CK_GEMM_ROWS:
            // One row is a gemv, bound by B's stream more than by the tile: AVX2's.
            if (m == 1) break;
            ck_sgemm_rows_avx512(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        case CK_GEMM_PORTABLE: break;
        }
    }
    if (isa == CK_ISA_AVX2_FMA || isa == CK_ISA_AVX512F) {
        ck_sgemm_avx2(plan, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    ck_sgemm_portable(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

size_t ck_sgemm_packed_a_size(ck_gemm_plan plan, long m, long k) {
    return (size_t)(ck_round_up(m, plan.row_align) * k);
}

void ck_sgemm_pack_a_rows(ck_isa isa, ck_gemm_plan plan, int trans_a, long m, long k, long r0, long r1,
                          const float *a, long lda, float *packed) {
#if defined(__x86_64__)
    if (r1 <= r0 || k <= 0 || (isa != CK_ISA_AVX2_FMA && isa != CK_ISA_AVX512F)) return;
    const int wide = isa == CK_ISA_AVX512F;
    if (plan.algo == CK_GEMM_PACKED_BT) ck_bt_pack_a_rows(wide ? &ck_bt_avx512 : &ck_bt_avx2, m, k, r0, r1, a, lda, packed);
    else ck_packed_pack_a_rows(wide ? &ck_packed_avx512 : &ck_packed_avx2, trans_a, m, k, r0, r1, a, lda, packed);
#else
    (void)isa, (void)plan, (void)trans_a, (void)m, (void)k, (void)r0, (void)r1, (void)a, (void)lda, (void)packed;
#endif
}

void ck_sgemm_prepacked_a(ck_isa isa, ck_gemm_plan plan, int trans_b, long m, long n, long k, float alpha,
                          const float *packed_a, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
#if defined(__x86_64__)
    if ((isa == CK_ISA_AVX2_FMA || isa == CK_ISA_AVX512F) && k > 0 && alpha != 0) {
        const int wide = isa == CK_ISA_AVX512F;
        if (plan.algo == CK_GEMM_PACKED_BT)
            ck_bt_gemm(wide ? &ck_bt_avx512 : &ck_bt_avx2, m, n, k, alpha, NULL, 0, packed_a, b, ldb, beta, c, ldc);
        else
            ck_packed_gemm(wide ? &ck_packed_avx512 : &ck_packed_avx2, 0, trans_b, m, n, k, alpha, NULL, 0, packed_a, b,
                           ldb, beta, c, ldc);
        return;
    }
#endif
    (void)isa, (void)plan, (void)trans_b, (void)packed_a, (void)b, (void)ldb, (void)alpha;
    // Only reached for k == 0 or alpha == 0 (callers use this for AVX2 and AVX-512 plans): C = beta·C.
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
}
