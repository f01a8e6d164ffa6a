// AVX2/FMA gemm: packing, the 6x16 micro-kernel and the three algorithms of ck_gemm_algo.
// Every function carries target("avx2,fma") so this file builds for baseline x86-64 and
// ck_sgemm only calls in here after ck_detect_isa saw AVX2, FMA and OS-saved YMM state.
#if defined(__x86_64__)
#include "gemm_avx2.h"

/// The register tile: `mr` (1...6) rows by 16 columns of which `nvalid` are stored, over `kc`.
/// A is read at a[i·rsa + p·csa] (packed: rsa 1, csa 6), B at b[p·rsb + j] (packed: rsb 16).
/// `mask_b` makes the B loads masked, for B read in place at the matrix's right edge.
/// Each accumulator is one FMA chain from zero in p order, the same in every variant.
AVX2_INLINE void tile(int mr, long kc, const float *a, long rsa, long csa, const float *b, long rsb,
                      int mask_b, float *c, long ldc, float alpha, float beta, long nvalid) {
    __m256 acc[CK_MR][2];
    for (int i = 0; i < CK_MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    const __m256i m0 = lane_mask(nvalid), m1 = lane_mask(nvalid - 8);
    for (long p = 0; p < kc; p++) {
        __m256 b0, b1;
        if (mask_b) {
            b0 = _mm256_maskload_ps(b, m0);
            b1 = _mm256_maskload_ps(b + 8, m1);
        } else {
            b0 = _mm256_loadu_ps(b);
            b1 = _mm256_loadu_ps(b + 8);
        }
        for (int i = 0; i < CK_MR; i++) {
            if (i < mr) {
                __m256 ai = _mm256_broadcast_ss(a + i * rsa);
                acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
                acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
            }
        }
        a += csa;
        b += rsb;
    }
    const __m256 va = _mm256_set1_ps(alpha);
    const int full = nvalid >= 16;
    for (int i = 0; i < CK_MR; i++) {
        if (i < mr) {
            float *ci = c + i * ldc;
            if (full) {
                store_lanes(ci, acc[i][0], va, beta, 1, m0);
                store_lanes(ci + 8, acc[i][1], va, beta, 1, m1);
            } else {
                if (nvalid > 0) store_lanes(ci, acc[i][0], va, beta, nvalid >= 8, m0);
                if (nvalid > 8) store_lanes(ci + 8, acc[i][1], va, beta, 0, m1);
            }
        }
    }
}

// One instantiation per row count, so the row loop unrolls and the accumulators stay in registers.
#define TILE_CASES(MASK_B)                                                                       \
    switch ((int)mr) {                                                                                \
    case 6: tile(6, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;        \
    case 5: tile(5, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;        \
    case 4: tile(4, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;        \
    case 3: tile(3, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;        \
    case 2: tile(2, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;        \
    default: tile(1, kc, a, rsa, csa, b, rsb, MASK_B, c, ldc, alpha, beta, nvalid); break;       \
    }

/// Tile on packed A and B (constant strides let the compiler use immediate offsets).
AVX2 static void tile_packed(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta,
                             long mr, long nvalid) {
    const long rsa = 1, csa = CK_MR, rsb = CK_NR;
    TILE_CASES(0)
}

/// Tile reading A and B where they are stored.
AVX2 static void tile_inplace(int mr, long kc, const float *a, long rsa, long csa, const float *b, long rsb,
                              float *c, long ldc, float alpha, float beta, long nvalid) {
    if (nvalid >= 16) {
        TILE_CASES(0)
    } else {
        TILE_CASES(1)
    }
}

/// Packs op(B)[0..<kc, 0..<nc] into slivers of 16 columns: pb[s·16·kc + p·16 + jj], zero-padded.
AVX2 static void pack_b(int trans_b, long kc, long nc, const float *b, long ldb, float *pb) {
    for (long j0 = 0; j0 < nc; j0 += CK_NR, pb += CK_NR * kc) {
        long nr = ck_min(CK_NR, nc - j0);
        if (!trans_b) {
            const float *src = b + j0;
            if (nr == CK_NR) {
                for (long p = 0; p < kc; p++) {
                    _mm256_store_ps(pb + p * CK_NR, _mm256_loadu_ps(src + p * ldb));
                    _mm256_store_ps(pb + p * CK_NR + 8, _mm256_loadu_ps(src + p * ldb + 8));
                }
            } else {
                for (long p = 0; p < kc; p++)
                    for (long jj = 0; jj < CK_NR; jj++) pb[p * CK_NR + jj] = jj < nr ? src[p * ldb + jj] : 0;
            }
        } else {
            // op(B)[p, j] = b[j·ldb + p]: rows of the stored matrix become columns of the sliver.
            pack_rows_transposed(CK_NR, nr, kc, b + j0 * ldb, ldb, pb);
        }
    }
}

/// Packs op(A)[0..<mc, 0..<kc] into slivers of 6 rows: pa[s·6·kc + p·6 + ii], zero-padded.
/// Writes nothing outside its slivers, so threads may pack neighbouring slivers at once.
AVX2 static void pack_a(int trans_a, long mc, long kc, const float *a, long lda, float *pa) {
    for (long i0 = 0; i0 < mc; i0 += CK_MR, pa += CK_MR * kc) {
        long mr = ck_min(CK_MR, mc - i0);
        if (!trans_a) {
            long p = 0;
            if (mr == CK_MR) {
                // 8 columns of the 6 rows at a time: transpose as 8×8 (two zero rows) and store
                // each column's 6 values with an 8-wide store whose 2 extra lanes land on the
                // next column, rewritten next; the sliver's last column is left to the scalar loop.
                for (; p + 8 < kc; p += 8) {
                    __m256 r[8];
                    for (int q = 0; q < CK_MR; q++) r[q] = _mm256_loadu_ps(a + (i0 + q) * lda + p);
                    r[6] = r[7] = _mm256_setzero_ps();
                    transpose8(r);
                    for (int x = 0; x < 8; x++) _mm256_storeu_ps(pa + (p + x) * CK_MR, r[x]);
                }
            }
            for (; p < kc; p++)
                for (long ii = 0; ii < CK_MR; ii++) pa[p * CK_MR + ii] = ii < mr ? a[(i0 + ii) * lda + p] : 0;
        } else {
            // op(A)[i, p] = a[p·lda + i]: each p gives 6 contiguous floats.
            for (long p = 0; p < kc; p++) {
                const float *src = a + p * lda + i0;
                for (long ii = 0; ii < CK_MR; ii++) pa[p * CK_MR + ii] = ii < mr ? src[ii] : 0;
            }
        }
    }
}

const ck_packed_kernels ck_packed_avx2 = {CK_MR, CK_NR, CK_NC, pack_a, pack_b, tile_packed};

/// One row of A times B (vector-matrix, batch-1 backward): 64 columns at a time, so 8 FMA chains
/// are in flight instead of the 2 of a one-row 6×16 tile. Each element is still one FMA chain
/// from zero in p order, as in `tile`.
AVX2 static void gemv_rows(long n, long k, float alpha, const float *a, long csa, const float *b, long ldb,
                           float beta, float *c) {
    enum { V = 8 };
    const __m256 va = _mm256_set1_ps(alpha);
    for (long j0 = 0; j0 < n; j0 += 8 * V) {
        const long width = ck_min(8 * V, n - j0);
        __m256i mask[V];
        for (int v = 0; v < V; v++) mask[v] = lane_mask(width - 8 * v);
        __m256 acc[V];
        for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
        const float *bp = b + j0;
        if (width == 8 * V) {
            for (long p = 0; p < k; p++, bp += ldb) {
                const __m256 ap = _mm256_broadcast_ss(a + p * csa);
                for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(ap, _mm256_loadu_ps(bp + 8 * v), acc[v]);
            }
        } else {
            for (long p = 0; p < k; p++, bp += ldb) {
                const __m256 ap = _mm256_broadcast_ss(a + p * csa);
                for (int v = 0; v < V; v++)
                    acc[v] = _mm256_fmadd_ps(ap, _mm256_maskload_ps(bp + 8 * v, mask[v]), acc[v]);
            }
        }
        for (int v = 0; v < V; v++) {
            const long lanes = width - 8 * v;
            if (lanes > 0) store_lanes(c + j0 + 8 * v, acc[v], va, beta, lanes >= 8, mask[v]);
        }
    }
}

/// A·B (or Aᵀ·B) for few rows of A: B is read in place, 16 columns by up to 6 rows at a time,
/// the whole depth in one chain per element.
AVX2 static void sgemm_rows(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                            const float *b, long ldb, float beta, float *c, long ldc) {
    const long rsa = trans_a ? 1 : lda, csa = trans_a ? lda : 1;
    if (m == 1) {
        gemv_rows(n, k, alpha, a, csa, b, ldb, beta, c);
        return;
    }
    for (long j0 = 0; j0 < n; j0 += CK_NR) {
        for (long i0 = 0; i0 < m; i0 += CK_MR) {
            tile_inplace((int)ck_min(CK_MR, m - i0), k, a + i0 * rsa, rsa, csa, b + j0, ldb,
                         c + i0 * ldc + j0, ldc, alpha, beta, ck_min(CK_NR, n - j0));
        }
    }
}

/// Sum of the 8 lanes in a fixed order.
AVX2_INLINE float hsum(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

// A single row of A (gemv, batch-1 inference) runs against 8 rows of B: 8 accumulators + 8 B +
// 1 A, twice the B rows per A load of the 4x3 tile.
enum { DOT_MAX_NR = 8 };

/// acc[i][j] += A row i · B row j over the 8 floats at `p`, for the `mr`×`nr` tile.
AVX2_INLINE void dot_step(int mr, int nr, const float *a, long lda, const float *b, long ldb, long p,
                          __m256 acc[CK_DOT_MR][DOT_MAX_NR]) {
    __m256 bv[DOT_MAX_NR];
    for (int j = 0; j < DOT_MAX_NR; j++) if (j < nr) bv[j] = _mm256_loadu_ps(b + j * ldb + p);
    for (int i = 0; i < CK_DOT_MR; i++) {
        if (i < mr) {
            const __m256 av = _mm256_loadu_ps(a + i * lda + p);
            for (int j = 0; j < DOT_MAX_NR; j++) if (j < nr) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
        }
    }
}

/// `mr` rows of A against `nr` rows of B (4×3 at most, or 1×8), dot products along k, 8 lanes
/// at a time. B vectors stay in registers; A vectors stream through one register, so the 12
/// accumulators + 3 B + 1 A fit the 16 ymm registers without spilling. Every variant computes
/// each element the same way (one FMA chain from zero in p order, then `hsum`), so where a
/// thread's block starts does not change any result.
AVX2_INLINE void dot_tile(int mr, int nr, long k, const float *a, long lda, const float *b, long ldb,
                          float *c, long ldc, float alpha, float beta) {
    __m256 acc[CK_DOT_MR][DOT_MAX_NR];
    for (int i = 0; i < CK_DOT_MR; i++)
        for (int j = 0; j < DOT_MAX_NR; j++) acc[i][j] = _mm256_setzero_ps();
    long p = 0;
    // Two steps a turn, bounded by `k - 16` (k ≥ 1, no overflow): the loop's own instructions
    // were a fifth of the 4×3 tile's.
    for (; p <= k - 16; p += 16) {
        dot_step(mr, nr, a, lda, b, ldb, p, acc);
        dot_step(mr, nr, a, lda, b, ldb, p + 8, acc);
    }
    if (p <= k - 8) {
        dot_step(mr, nr, a, lda, b, ldb, p, acc);
        p += 8;
    }
    if (p < k) {
        const __m256i mask = lane_mask(k - p);
        __m256 bv[DOT_MAX_NR];
        for (int j = 0; j < DOT_MAX_NR; j++) if (j < nr) bv[j] = _mm256_maskload_ps(b + j * ldb + p, mask);
        for (int i = 0; i < CK_DOT_MR; i++) {
            if (i < mr) {
                const __m256 av = _mm256_maskload_ps(a + i * lda + p, mask);
                for (int j = 0; j < DOT_MAX_NR; j++) if (j < nr) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
            }
        }
    }
    for (int i = 0; i < CK_DOT_MR; i++) {
        for (int j = 0; j < DOT_MAX_NR; j++) {
            if (i < mr && j < nr) {
                float s = hsum(acc[i][j]);
                float *cij = c + i * ldc + j;
                *cij = beta == 0 ? alpha * s : __builtin_fmaf(s, alpha, beta * *cij);
            }
        }
    }
}

/// One row of A against 8 full rows of B (batch-1 inference): `dot_tile(1, 8, …)`'s chains, in
/// the same order (so the same bits), with the 8 rows addressed from fixed pointers by one
/// running index and two steps of 8 per turn. The generic tile recomputed the 8 row addresses
/// every step (21 instructions per 64 multiply-adds, 11 here): at batch 1 the loop is the
/// 8 FMAs reading B straight from memory, so fewer instructions leave more room for the loads
/// the weights' stream needs.
AVX2_INLINE void dot_row8(long k, const float *a, const float *b, long ldb, float *c, float alpha, float beta) {
    const float *b0 = b, *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
    const float *b4 = b + 4 * ldb, *b5 = b + 5 * ldb, *b6 = b + 6 * ldb, *b7 = b + 7 * ldb;
    // Opaque to the optimizer, which would otherwise derive each row's address from the
    // previous one again in every turn of the loop (a chain of 7 LEAs).
    __asm__("" : "+r"(b1), "+r"(b2), "+r"(b3), "+r"(b4), "+r"(b5), "+r"(b6), "+r"(b7));
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
#define DOT_ROW8_STEP(LOAD, P)                                                                         \
    {                                                                                                  \
        const __m256 av = LOAD(a + (P));                                                               \
        s0 = _mm256_fmadd_ps(av, LOAD(b0 + (P)), s0);                                                  \
        s1 = _mm256_fmadd_ps(av, LOAD(b1 + (P)), s1);                                                  \
        s2 = _mm256_fmadd_ps(av, LOAD(b2 + (P)), s2);                                                  \
        s3 = _mm256_fmadd_ps(av, LOAD(b3 + (P)), s3);                                                  \
        s4 = _mm256_fmadd_ps(av, LOAD(b4 + (P)), s4);                                                  \
        s5 = _mm256_fmadd_ps(av, LOAD(b5 + (P)), s5);                                                  \
        s6 = _mm256_fmadd_ps(av, LOAD(b6 + (P)), s6);                                                  \
        s7 = _mm256_fmadd_ps(av, LOAD(b7 + (P)), s7);                                                  \
    }
    long p = 0;
    for (; p <= k - 16; p += 16) {
        DOT_ROW8_STEP(_mm256_loadu_ps, p)
        DOT_ROW8_STEP(_mm256_loadu_ps, p + 8)
    }
    if (p <= k - 8) {
        DOT_ROW8_STEP(_mm256_loadu_ps, p)
        p += 8;
    }
    if (p < k) {
        const __m256i mask = lane_mask(k - p);
#define MASKED_LOAD(ADDRESS) _mm256_maskload_ps(ADDRESS, mask)
        DOT_ROW8_STEP(MASKED_LOAD, p)
#undef MASKED_LOAD
    }
#undef DOT_ROW8_STEP
    const __m256 sums[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (int j = 0; j < 8; j++) {
        const float sum = hsum(sums[j]);
        c[j] = beta == 0 ? alpha * sum : __builtin_fmaf(sum, alpha, beta * c[j]);
    }
}

#define DOT_TILE(MR, NR) dot_tile(MR, NR, k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta)
#define DOT_ROWS(MR)                          \
    switch (nr) {                             \
    case 3: DOT_TILE(MR, 3); break;           \
    case 2: DOT_TILE(MR, 2); break;           \
    default: DOT_TILE(MR, 1); break;          \
    }

#define DOT_ROW_CASES                           \
    switch (ck_min(CK_DOT_MR, m - i0)) {        \
    case 4: DOT_ROWS(4); break;                 \
    case 3: DOT_ROWS(3); break;                 \
    case 2: DOT_ROWS(2); break;                 \
    default: DOT_ROWS(1); break;                \
    }

/// A·Bᵀ for few rows of A (or few of B): both operands are read in place along their contiguous k.
AVX2 static void sgemm_dot(long m, long n, long k, float alpha, const float *a, long lda,
                           const float *b, long ldb, float beta, float *c, long ldc) {
    _Static_assert(CK_DOT_MR == 4 && CK_DOT_NR == 3, "the switches below cover a 4x3 tile");
    if (m == 1) {
        const long i0 = 0;
        for (long j0 = 0; j0 < n; j0 += DOT_MAX_NR) {
            switch (ck_min(DOT_MAX_NR, n - j0)) {
            case 8: dot_row8(k, a, b + j0 * ldb, ldb, c + j0, alpha, beta); break;
            case 7: DOT_TILE(1, 7); break;
            case 6: DOT_TILE(1, 6); break;
            case 5: DOT_TILE(1, 5); break;
            case 4: DOT_TILE(1, 4); break;
            case 3: DOT_TILE(1, 3); break;
            case 2: DOT_TILE(1, 2); break;
            default: DOT_TILE(1, 1); break;
            }
        }
        return;
    }
    // Keep the smaller operand's rows hot and stream the larger one past them: B rows outer when
    // A is the small one (few rows: batch ≤ 32), A rows outer when B is (a narrow output layer).
    if (n >= m) {
        for (long j0 = 0; j0 < n; j0 += CK_DOT_NR) {
            const long nr = ck_min(CK_DOT_NR, n - j0);
            for (long i0 = 0; i0 < m; i0 += CK_DOT_MR) DOT_ROW_CASES
        }
    } else {
        for (long i0 = 0; i0 < m; i0 += CK_DOT_MR) {
            for (long j0 = 0; j0 < n; j0 += CK_DOT_NR) {
                const long nr = ck_min(CK_DOT_NR, n - j0);
                DOT_ROW_CASES
            }
        }
    }
}

void ck_sgemm_dot_avx2(long m, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                       float beta, float *c, long ldc) {
    sgemm_dot(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void ck_sgemm_avx2(ck_gemm_plan plan, int trans_a, int trans_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    switch (plan.algo) {
    case CK_GEMM_DOT: sgemm_dot(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    case CK_GEMM_ROWS: sgemm_rows(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    case CK_GEMM_PACKED:
        ck_packed_gemm(&ck_packed_avx2, trans_a, trans_b, m, n, k, alpha, a, lda, NULL, b, ldb, beta, c, ldc);
        break;
    case CK_GEMM_PACKED_BT: ck_bt_gemm(&ck_bt_avx2, m, n, k, alpha, a, lda, NULL, b, ldb, beta, c, ldc); break;
    case CK_GEMM_PORTABLE: break;
    }
}
#endif
