// Declarations shared by the C kernel files; not part of the module's public header.
#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H

#include "CKernels.h"

// Register tile and cache blocks of the packed gemm, after BLIS's Zen configuration:
// a 6x16 tile keeps 12 ymm accumulators + 2 B vectors + 1 broadcast in the 16 ymm registers;
// an MC x KC block of A (144 KiB) stays in L2; a KC x NR sliver of B (16 KiB) stays in L1.
enum { CK_MR = 6, CK_NR = 16, CK_KC = 256, CK_MC = 144, CK_NC = 4080 };
// The dot-product path's tile: 4 rows of A by 3 rows of B, 12 accumulators.
enum { CK_DOT_MR = 4, CK_DOT_NR = 3 };

// The Bᵀ-in-place packed path (CK_GEMM_PACKED_BT, A·Bᵀ with m < k): a 16×6 tile of 16 rows of
// packed A (2 ymm) by 6 rows of B broadcast where they are stored, 12 accumulators. k is cut only
// above CK_BT_KC, so the MLP's depths (784, 256) run as one block: C is written once, and each
// tile streams 6 whole rows of B. B rows are blocked so that a block (≤ CK_BT_B_BYTES) stays in
// the 1 MiB L2 beside the C and packed-A streams. A is packed CK_BT_MC rows at a time (≤ 2 MiB).
enum { CK_BT_MR = 16, CK_BT_NR = 6, CK_BT_KC = 1024, CK_BT_MC = 512, CK_BT_B_BYTES = 384 * 1024 };

// The AVX-512 tiles (gemm_avx512_*.c), twice AVX2's lanes in the 32 zmm registers: the packed
// path's 12×32 (24 accumulators + 2 B vectors + 1 broadcast), with B blocks of CK_512_NC columns
// (a multiple of 32; MC = 144 is 12 slivers); the Bᵀ-in-place path's 32×12 (2 zmm of packed A by
// 12 rows of B). k is cut as on AVX2 (ck_kc, CK_BT_KC), so every element is the same FMA chain and
// the two ISAs give the same bits on these paths.
enum { CK_512_MR = 12, CK_512_NR = 32, CK_512_NC = 4096, CK_BT512_MR = 32, CK_BT512_NR = 12 };

/// Depth of one k block: `k` cut into equal blocks of at most `max_kc`. Depends on k alone.
static inline long ck_kc_max(long k, long max_kc) {
    long blocks = (k + max_kc - 1) / max_kc;
    return blocks == 0 ? 0 : (k + blocks - 1) / blocks;
}
/// The 6×16 path's k block.
static inline long ck_kc(long k) { return ck_kc_max(k, CK_KC); }

static inline long ck_round_up(long x, long multiple) { return (x + multiple - 1) / multiple * multiple; }
static inline long ck_min(long a, long b) { return a < b ? a : b; }

/// Bᵀ-in-place path: rows of B per block, as many as keep kc-wide rows within CK_BT_B_BYTES, in
/// equal blocks of whole `nr`-row tiles. Only the loop order depends on it, never an element's
/// arithmetic.
static inline long ck_bt_nc(long n, long kc, long nr) {
    long cap = CK_BT_B_BYTES / (kc * (long)sizeof(float)) / nr * nr;
    if (cap < nr) cap = nr;
    const long blocks = (n + cap - 1) / cap;
    return ck_round_up((n + blocks - 1) / blocks, nr);
}

/// A per-thread, 64-byte aligned scratch buffer of at least `count` floats, reused across calls
/// (slot 0: packed A, slot 1: packed B, slot 2: an A packed once and shared by a gemm's threads,
/// slot 3: a convolution's im2col columns).
/// Freed when the thread exits.
float *ck_scratch_floats(int slot, size_t count);

void ck_sgemm_avx2(ck_gemm_plan plan, int trans_a, int trans_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);
void ck_sgemm_pack_a_rows_avx2(int trans_a, long m, long k, long r0, long r1, const float *a, long lda,
                               float *packed);
void ck_sgemm_prepacked_a_avx2(int trans_b, long m, long n, long k, float alpha, const float *packed_a,
                                const float *b, long ldb, float beta, float *c, long ldc);
void ck_sgemm_bt_pack_a_rows_avx2(long m, long k, long r0, long r1, const float *a, long lda, float *packed);
void ck_sgemm_bt_avx2(long m, long n, long k, float alpha, const float *a, long lda, const float *packed_a,
                      const float *b, long ldb, float beta, float *c, long ldc);
// The AVX-512 kernels (gemm_avx512_packed.c, gemm_avx512_bt.c): the same entry points as AVX2's
// for CK_GEMM_PACKED and CK_GEMM_PACKED_BT, with the AVX-512 plan's layout (12-row A slivers for
// the packed path, 32-row for the Bᵀ one).
void ck_sgemm_packed_avx512(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a,
                            long lda, const float *packed_a, const float *b, long ldb, float beta, float *c,
                            long ldc);
void ck_sgemm_pack_a_rows_avx512(int trans_a, long m, long k, long r0, long r1, const float *a, long lda,
                                 float *packed);
void ck_sgemm_bt_pack_a_rows_avx512(long m, long k, long r0, long r1, const float *a, long lda, float *packed);
void ck_sgemm_bt_avx512(long m, long n, long k, float alpha, const float *a, long lda, const float *packed_a,
                        const float *b, long ldb, float beta, float *c, long ldc);
void ck_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#endif
