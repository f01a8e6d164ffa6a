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

/// A per-thread, 64-byte aligned scratch buffer of at least `count` floats, reused across calls
/// (slot 0: packed A, slot 1: packed B, slot 2: an A packed once and shared by a gemm's threads,
/// slot 3: a convolution's im2col columns).
/// Freed when the thread exits.
float *ck_scratch_floats(int slot, size_t count);

/// A build's packed path (gemm_packed_loops.c runs the loops): its register tile (mr × nr), B's
/// block of columns (nc), and its functions, which carry the build's target attribute.
typedef struct {
    long mr, nr, nc;
    /// Packs op(A)[0..<mc, 0..<kc] into mr-row slivers, pa[s·mr·kc + p·mr + i], zero-padded; writes
    /// nothing outside its slivers, so threads may pack neighbouring slivers at once.
    void (*pack_a)(int trans_a, long mc, long kc, const float *a, long lda, float *pa);
    /// Packs op(B)[0..<kc, 0..<nc] into nr-column slivers, pb[s·nr·kc + p·nr + j], zero-padded.
    void (*pack_b)(int trans_b, long kc, long nc, const float *b, long ldb, float *pb);
    /// One tile over a packed A and B sliver, storing `mr` rows and `nvalid` columns of C.
    void (*tile)(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta, long mr,
                 long nvalid);
} ck_packed_kernels;

/// A build's Bᵀ-in-place path: mr rows of packed A by nr rows of B read where they are stored.
typedef struct {
    long mr, nr;
    /// Packs `rows` (≤ mr) rows of A, kc floats each, as the columns of an mr-wide sliver.
    void (*pack)(long rows, long kc, const float *a, long lda, float *dst);
    /// One tile: a sliver of packed A (pa[p·mr + i]) by `nr` (≤ the build's nr) rows of B
    /// (b[j·ldb + p]), storing `mvalid` rows of C.
    void (*tile)(long nr, long kc, const float *pa, const float *b, long ldb, float *c, long ldc, float alpha,
                 float beta, long mvalid);
} ck_bt_kernels;

extern const ck_packed_kernels ck_packed_avx2, ck_packed_avx512;
extern const ck_bt_kernels ck_bt_avx2, ck_bt_avx512;

/// The packed algorithm. With `prepacked_a` (ck_packed_pack_a_rows over all m) A is read from there;
/// otherwise each MC×KC block of A is packed into this thread's buffer. Both give the same packed
/// values, so the same results.
void ck_packed_gemm(const ck_packed_kernels *kern, int trans_a, int trans_b, long m, long n, long k, float alpha,
                    const float *a, long lda, const float *prepacked_a, const float *b, long ldb, float beta, float *c,
                    long ldc);
/// Packs rows [r0, r1) of op(A) (r0 a multiple of mr) for every k block into `packed`, laid out as
/// k blocks of m_pad × kc floats (m_pad = m rounded up to mr), each in mr-row slivers.
void ck_packed_pack_a_rows(const ck_packed_kernels *kern, int trans_a, long m, long k, long r0, long r1,
                           const float *a, long lda, float *packed);
/// The Bᵀ-in-place algorithm, for all of C or a band of its columns (b and c offset to the band; m, k
/// full). A is read from `packed_a` (ck_bt_pack_a_rows over all m) or, when NULL, packed here
/// CK_BT_MC rows by one k block at a time into this thread's buffer, which so stays ≤ 2 MiB.
void ck_bt_gemm(const ck_bt_kernels *kern, long m, long n, long k, float alpha, const float *a, long lda,
                const float *packed_a, const float *b, long ldb, float beta, float *c, long ldc);
/// Packs rows [r0, r1) of A (r0 a multiple of mr) for every k block, laid out as ck_packed_pack_a_rows.
void ck_bt_pack_a_rows(const ck_bt_kernels *kern, long m, long k, long r0, long r1, const float *a, long lda,
                       float *packed);

/// The AVX-512 rows path (CK_GEMM_ROWS with m ≥ 2; one row runs AVX2's gemv).
void ck_sgemm_rows_avx512(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                          const float *b, long ldb, float beta, float *c, long ldc);
/// AVX2's dispatch over the plan's algorithms (the dot, rows and packed paths of gemm_avx2.c).
void ck_sgemm_avx2(ck_gemm_plan plan, int trans_a, int trans_b, long m, long n, long k, float alpha,
                   const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);
void ck_sgemm_portable(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#endif
