// The loops of the two packed gemm paths, shared by the AVX2 and AVX-512 builds: each build hands
// in its tile sizes and its packing and tile functions (ck_packed_kernels, ck_bt_kernels), which
// carry its target attribute; these loops are baseline code and call them once per sliver or tile,
// against a tile's kc steps of work. Only the loop order lives here, never an element's arithmetic.
#include "ck_internal.h"

void ck_packed_gemm(const ck_packed_kernels *kern, int trans_a, int trans_b, long m, long n, long k, float alpha,
                    const float *a, long lda, const float *prepacked_a, const float *b, long ldb, float beta, float *c,
                    long ldc) {
    const long kc_max = ck_kc(k);
    const long m_pad = ck_round_up(m, kern->mr);
    float *pb = ck_scratch_floats(1, (size_t)(kc_max * ck_round_up(ck_min(n, kern->nc), kern->nr)));
    float *pa = prepacked_a ? NULL : ck_scratch_floats(0, (size_t)(kc_max * ck_round_up(ck_min(m, CK_MC), kern->mr)));
    for (long jc = 0; jc < n; jc += kern->nc) {
        const long nc = ck_min(kern->nc, n - jc);
        for (long pc = 0; pc < k; pc += kc_max) {
            const long kc = ck_min(kc_max, k - pc);
            kern->pack_b(trans_b, kc, nc, trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, pb);
            // The first k block applies beta; later ones add to what the first wrote.
            const float beta_k = pc == 0 ? beta : 1;
            for (long ic = 0; ic < m; ic += CK_MC) {
                const long mc = ck_min(CK_MC, m - ic);
                const float *block;
                if (prepacked_a) {
                    block = prepacked_a + pc * m_pad + ic * kc;
                } else {
                    kern->pack_a(trans_a, mc, kc, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, pa);
                    block = pa;
                }
                for (long jr = 0; jr < nc; jr += kern->nr) {
                    for (long ir = 0; ir < mc; ir += kern->mr) {
                        kern->tile(kc, block + ir * kc, pb + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, alpha, beta_k,
                                   ck_min(kern->mr, mc - ir), ck_min(kern->nr, nc - jr));
                    }
                }
            }
        }
    }
}

void ck_packed_pack_a_rows(const ck_packed_kernels *kern, int trans_a, long m, long k, long r0, long r1,
                           const float *a, long lda, float *packed) {
    const long kc_max = ck_kc(k), m_pad = ck_round_up(m, kern->mr);
    for (long pc = 0; pc < k; pc += kc_max) {
        const long kc = ck_min(kc_max, k - pc);
        kern->pack_a(trans_a, r1 - r0, kc, trans_a ? a + pc * lda + r0 : a + r0 * lda + pc, lda,
                     packed + pc * m_pad + r0 * kc);
    }
}

/// Rows of B per block: as many as keep kc-wide rows within CK_BT_B_BYTES, in equal blocks of whole
/// `nr`-row tiles.
static long bt_nc(long n, long kc, long nr) {
    long cap = CK_BT_B_BYTES / (kc * (long)sizeof(float)) / nr * nr;
    if (cap < nr) cap = nr;
    const long blocks = (n + cap - 1) / cap;
    return ck_round_up((n + blocks - 1) / blocks, nr);
}

/// C[0..<m, 0..<n] (+)= one k block: `block` holds the m rows of A packed (mr-row slivers of kc),
/// B rows are read in place from `b` (offset to the k block).
static void bt_block(const ck_bt_kernels *kern, long m, long n, long kc, float alpha, const float *block,
                     const float *b, long ldb, float beta, float *c, long ldc) {
    const long nc_max = bt_nc(n, kc, kern->nr);
    // A block of B rows stays in L2 while every sliver of A streams past it; the sliver's tiles
    // walk that block's rows in order, so B is read as contiguous row runs.
    for (long jc = 0; jc < n; jc += nc_max) {
        const long nc = ck_min(nc_max, n - jc);
        for (long i0 = 0; i0 < m; i0 += kern->mr) {
            const float *sliver = block + i0 * kc;
            const long mvalid = ck_min(kern->mr, m - i0);
            for (long j0 = 0; j0 < nc; j0 += kern->nr)
                kern->tile(ck_min(kern->nr, nc - j0), kc, sliver, b + (jc + j0) * ldb, ldb, c + i0 * ldc + jc + j0, ldc,
                           alpha, beta, mvalid);
        }
    }
}

void ck_bt_pack_a_rows(const ck_bt_kernels *kern, long m, long k, long r0, long r1, const float *a, long lda,
                       float *packed) {
    const long kc_max = ck_kc_max(k, CK_BT_KC), m_pad = ck_round_up(m, kern->mr);
    for (long pc = 0; pc < k; pc += kc_max) {
        const long kc = ck_min(kc_max, k - pc);
        for (long i0 = r0; i0 < r1; i0 += kern->mr)
            kern->pack(ck_min(kern->mr, r1 - i0), kc, a + i0 * lda + pc, lda, packed + pc * m_pad + i0 * kc);
    }
}

void ck_bt_gemm(const ck_bt_kernels *kern, long m, long n, long k, float alpha, const float *a, long lda,
                const float *packed_a, const float *b, long ldb, float beta, float *c, long ldc) {
    const long kc_max = ck_kc_max(k, CK_BT_KC), m_pad = ck_round_up(m, kern->mr);
    float *own = packed_a ? NULL : ck_scratch_floats(0, (size_t)(ck_min(m_pad, CK_BT_MC) * kc_max));
    for (long pc = 0; pc < k; pc += kc_max) {
        const long kc = ck_min(kc_max, k - pc);
        // The first k block applies beta; later ones add to what the first wrote.
        const float beta_k = pc == 0 ? beta : 1;
        if (packed_a) {
            bt_block(kern, m, n, kc, alpha, packed_a + pc * m_pad, b + pc, ldb, beta_k, c, ldc);
            continue;
        }
        for (long ic = 0; ic < m; ic += CK_BT_MC) {
            const long mc = ck_min(CK_BT_MC, m - ic);
            for (long i0 = 0; i0 < mc; i0 += kern->mr)
                kern->pack(ck_min(kern->mr, mc - i0), kc, a + (ic + i0) * lda + pc, lda, own + i0 * kc);
            bt_block(kern, mc, n, kc, alpha, own, b + pc, ldb, beta_k, c + ic * ldc, ldc);
        }
    }
}
