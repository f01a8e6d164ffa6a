// The JSON row kernel with AVX2 (entered only when CPUID and XCR0 report it): the same
// contract and the same results as the SSE2/SSSE3 kernel (json_float_row_impl.h), restructured
// so that numbers do not wait on each other.
//
// The 16-byte kernel finds each number's end from a load at its start, so every number waits
// for the one before (load, compare, bit scan: about 13 cycles a number). Here a first pass
// lists the separators (`,` and the row's `]`) of up to 1 KiB, 64 bytes at a time, and a second
// pass takes the numbers between them, which do not wait on each other:
// - the short compact shape `-?D.F…` (1–13 fraction digits, no whitespace) four at a time, two
//   per 256-bit register (parse_four): checking the shape, converting the digits, rounding
//   through one Double product and checking the Float midpoint window, with no branch per
//   number;
// - once a row shows another shape, the next kind of row that takes it, four at a time:
//   `D.F…` of any length after any whitespace (Python's `, ` and 17 digits, JavaScript's
//   shortest doubles, pretty-printing) from their leading 14 digits (parse_four_lead,
//   json_float_row_avx2_lead.h); integers, eight at a time while their spans are at most 8 bytes
//   (json_float_row_avx2_integers.h); the leading-digits parser again with exponent parts
//   (`9.999999747378752e-06`, `1e-05`, json_float_row_avx2_exponents.h); then, from the bytes
//   that end at each number's separator, where its last digit has a fixed lane, short
//   spans (short decimals with more integer digits) from 16 bytes (parse_four_short) and long
//   spans from 32 (parse_four_long); a row none of those fit goes span by span
//   (parse_plain_span, one 32-byte load each), and what that declines (exponents, trailing
//   whitespace) to the general parse_number (parse_span);
// - a number none of them takes goes to the SSSE3 kernel alone, which hands a hard one back to
//   the caller, and the batch resumes after it.
#if defined(__x86_64__)
#include <immintrin.h>

#ifndef JSON_ROW_AVX512
// json_float_row_avx512.c includes this file with JSON_ROW_AVX512 defined, its own target
// attribute pushed and JSON_ROW_WIDE_FN(name) = name##_avx512.
#pragma clang attribute push(__attribute__((target("avx2,bmi,popcnt"))), apply_to = function)
#define JSON_ROW_WIDE_FN(name) name##_avx2
#endif
#define JSON_ROW_SSSE3 1
#include "json_float_row_scalar.h"

size_t ck_json_parse_float_row_ssse3(const uint8_t *base, size_t count, size_t *position, float *out,
                                     size_t capacity, ck_json_row_stop *stop);

enum {
    /// Blocks of 64 bytes whose separators one batch lists: enough that the batch's fixed
    /// costs (a mispredicted loop exit or two) spread over about 90 numbers.
    BATCH_BLOCKS = 16,
    /// The same for rows of long numbers (list_long_separators), two to four a block: 4 KiB
    /// spread the batch's fixed costs (the calls, the last few numbers listed again by the
    /// next batch) over about 200 numbers; 1 KiB cost Python's float32 rows about 3
    /// instructions a number more. The separators' array (33 KiB of stack, about 2 KiB of it
    /// written) is sized for this.
    LONG_BATCH_BLOCKS = 64,
    /// Bytes a block may not come closer to the buffer's end than. 16 would keep every load
    /// in the buffer (a number's 16-byte load starts before its separator); 32 also leaves
    /// the numbers of the last 32 bytes to the 16-byte kernel, which refuses them, so both
    /// builds stop at the same places.
    TAIL_SLACK = 32,
};

/// Appends the offsets `block + i` of the set bits i of `mask` to ends[n…] and returns the new
/// count. As in simdjson's flatten_bits: `first` slots (a constant) are written whatever the
/// count (stray ones lie past the count and are never read), so a typical block takes no
/// branch.
__attribute__((always_inline)) static inline size_t flatten_separators(size_t *ends, size_t n, size_t block, uint64_t mask,
                                                                      int first) {
    size_t found = (size_t)_mm_popcnt_u64(mask);
    size_t *slot = ends + n;
    for (int i = 0; i < first; i++) {
        slot[i] = block + _tzcnt_u64(mask);
        mask = _blsr_u64(mask);
    }
    if (found > (size_t)first) {
        for (int i = first; i < 16; i++) {
            slot[i] = block + _tzcnt_u64(mask);
            mask = _blsr_u64(mask);
        }
        for (size_t i = 16; mask; i++) {
            slot[i] = block + _tzcnt_u64(mask);
            mask = _blsr_u64(mask);
        }
    }
    return n + found;
}

/// Lists the separators of up to `blocks` blocks from `start` into ends[1…] (ends[0] is
/// `start - 1`, so number k always spans ends[k] + 1 ..< ends[k + 1]) and returns their count.
/// Stops after the first `]` (then *closed is 1 and it is the last entry) or where a block
/// would come within TAIL_SLACK bytes of the end. `first`: flatten_separators' (a constant).
/// `compare_close` (a constant): each block tested for `]` by its own compare (one instruction
/// more a block) rather than by its bytes above `\`, which every exponent's `e` trips: in rows
/// of long numbers about one block in 30 of Python's and JavaScript's float32 rows (their 1 %
/// exponent forms) and every block of exponent rows, each a mispredicted branch: 2–3 % of their
/// time.
__attribute__((always_inline)) static inline size_t list_separators_with(const uint8_t *base, size_t count, size_t start,
                                                                        size_t *ends, int *closed, int first,
                                                                        size_t blocks, int compare_close) {
    const __m256i comma = _mm256_set1_epi8(',');
    const __m256i close = _mm256_set1_epi8(']');
    ends[0] = start - 1;
    size_t n = 0;
    *closed = 0;
    // The end of the last block: `blocks` of them, or as many as stay TAIL_SLACK bytes away
    // from the buffer's end (the caller leaves room for one), so one compare a block.
    size_t room = (count - TAIL_SLACK - start) / 64;
    size_t last = start + 64 * (room < blocks ? room : blocks);
    // Not unrolled: a copy of the flattening per block would crowd the instruction cache.
#pragma clang loop unroll(disable)
    for (size_t block = start; block < last; block += 64) {
        __m256i low = _mm256_loadu_si256((const __m256i *)(base + block));
        __m256i high = _mm256_loadu_si256((const __m256i *)(base + block + 32));
        uint64_t commas = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, comma)) |
                          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, comma)) << 32;
        // A `]` only where some byte lies above `\` (0x5C): in rows of numbers only the `]` and
        // exponents' `e`. One test of both halves, the exact one only then (or, with
        // compare_close, the `]` compared at once).
        __m256i above = compare_close ? _mm256_or_si256(_mm256_cmpeq_epi8(low, close), _mm256_cmpeq_epi8(high, close))
                                      : _mm256_subs_epu8(_mm256_max_epu8(low, high), _mm256_set1_epi8(0x5C));
        if (!_mm256_testz_si256(above, above)) {
            uint64_t closes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, close)) |
                              (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, close)) << 32;
            if (closes) {
                // The row ends at its first `]`: the separators up to it and no further.
                *closed = 1;
                return flatten_separators(ends + 1, n, block, (commas | closes) & _blsmsk_u64(closes), first);
            }
        }
        n = flatten_separators(ends + 1, n, block, commas, first);
    }
    return n;
}

#if defined(JSON_ROW_AVX512) && !defined(JSON_ROW_NO_COMPRESS)
/// list_separators_with by AVX-512: each block's separator offsets compressed out of the lane
/// indices (vpcompressb) and widened eight at a time, instead of one bit scan per separator.
/// 16 slots are written whatever the count (ends has room for them; stray ones are never read).
__attribute__((always_inline)) static inline size_t list_separators_wide(const uint8_t *base, size_t count, size_t start,
                                                                        size_t *ends, int *closed) {
    const __m512i comma = _mm512_set1_epi8(','), close = _mm512_set1_epi8(']');
    const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
                                         43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
                                         23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                                         1, 0);
    ends[0] = start - 1;
    size_t n = 0;
    *closed = 0;
    size_t block = start;
#pragma clang loop unroll(disable)
    for (int i = 0; i < BATCH_BLOCKS && block + 64 + TAIL_SLACK <= count; i++, block += 64) {
        __m512i chars = _mm512_loadu_si512((const void *)(base + block));
        uint64_t separators = _mm512_cmpeq_epi8_mask(chars, comma);
        uint64_t closes = _mm512_cmpeq_epi8_mask(chars, close);
        // The row ends at its first `]`: the separators up to it and no further.
        if (closes) separators = (separators | closes) & _blsmsk_u64(closes);
        __m512i offsets = _mm512_maskz_compress_epi8(separators, iota);
        __m512i origin = _mm512_set1_epi64((long long)block);
        size_t *slot = ends + 1 + n;
        __m128i first = _mm512_castsi512_si128(offsets);
        _mm512_storeu_si512((void *)slot, _mm512_add_epi64(_mm512_cvtepu8_epi64(first), origin));
        _mm512_storeu_si512((void *)(slot + 8), _mm512_add_epi64(_mm512_cvtepu8_epi64(_mm_srli_si128(first, 8)), origin));
        size_t found = (size_t)_mm_popcnt_u64(separators);
        if (__builtin_expect(found > 16, 0)) {
            // Dense separators (`[0,0,0,…]`): the rest of the 64 offsets, 16 at a time.
            uint8_t rest[64];
            _mm512_storeu_si512((void *)rest, offsets);
            for (size_t j = 16; j < found; j++) slot[j] = block + rest[j];
        }
        n += found;
        if (closes) {
            *closed = 1;
            return n;
        }
    }
    return n;
}

static inline size_t list_separators(const uint8_t *base, size_t count, size_t start, size_t *ends, int *closed) {
    return list_separators_wide(base, count, start, ends, closed);
}
#else
/// list_separators_with 8 slots a block: short numbers, up to 8 a block.
static inline size_t list_separators(const uint8_t *base, size_t count, size_t start, size_t *ends, int *closed) {
    return list_separators_with(base, count, start, ends, closed, 8, BATCH_BLOCKS, 0);
}
#endif

/// list_separators_with 4 slots a block, for rows of long numbers: numbers of 16 bytes or more
/// with their separator leave at most four a block, and Python's 17 digits put 3 or 4 in 97 % of
/// blocks, so four slots' work less a block than eight, while a block with more takes the slower
/// branch. Not inlined, so that the short rows' path keeps its code. The AVX-512 build lists
/// these rows so too: with 2–4 separators a block, as fast as compressing them (and 1 KiB
/// batches of compressed blocks were 5–15 % slower than these 4 KiB ones).
__attribute__((noinline)) static size_t list_long_separators(const uint8_t *base, size_t count, size_t start, size_t *ends,
                                                             int *closed) {
    return list_separators_with(base, count, start, ends, closed, 4, LONG_BATCH_BLOCKS, 1);
}

/// The same 3 slots a block, for rows of numbers 22 bytes apart or more: pretty-printing puts 2
/// or 3 in 99.9 % of blocks.
__attribute__((noinline)) static size_t list_sparse_separators(const uint8_t *base, size_t count, size_t start,
                                                               size_t *ends, int *closed) {
    return list_separators_with(base, count, start, ends, closed, 3, LONG_BATCH_BLOCKS, 1);
}

static inline __m256i load_pair(const uint8_t *low, const uint8_t *high) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)low)),
                                   _mm_loadu_si128((const __m128i *)high), 1);
}

/// Four significands below 10¹⁵ (in 64-bit lanes) as exact Doubles, by the exponent-bias trick
/// (AVX2 has no int64 conversion).
static inline __m256d small_significands_as_doubles(__m256i significands) {
    const __m256i two_to_52_bits = _mm256_set1_epi64x(0x4330000000000000);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(significands, two_to_52_bits)), _mm256_set1_pd(0x1p52));
}

/// The 16-lane digit values of numbers (0, 2) in `digits_a` and (1, 3) in `digits_b` as four
/// 64-bit significands in order: pairs (weighed by `pair_weights`), quadruples and octets by
/// multiply-add, then the two octets of each number joined.
static inline __m256i sixteen_lane_significands(__m256i digits_a, __m256i digits_b, __m256i pair_weights) {
    const __m256i by_hundred = _mm256_set1_epi32(100 | 1 << 16);
    const __m256i by_ten_thousand = _mm256_set1_epi32(10000 | 1 << 16);
    __m256i quads_a = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_a, pair_weights), by_hundred);
    __m256i quads_b = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_b, pair_weights), by_hundred);
    __m256i octets = _mm256_madd_epi16(_mm256_packs_epi32(quads_a, quads_b), by_ten_thousand);
    return _mm256_add_epi64(_mm256_mul_epu32(octets, _mm256_set1_epi64x(100000000)), _mm256_srli_epi64(octets, 32));
}

/// All ones in the 64-bit lanes whose Double product has its 29 bits Float drops within the
/// window around the midpoint pattern 0x1000_0000 (from 4 below to 11 above: wider than the
/// ± 4 that rounding needs, so that three instructions test it), where the exact path decides.
static inline __m256i near_midpoints(__m256d products) {
    return _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_add_epi64(_mm256_castpd_si256(products), _mm256_set1_epi64x(4)),
                                               _mm256_set1_epi64x(0x1FFFFFF0)),
                              _mm256_set1_epi64x(0x10000000));
}

/// The 16 bytes that start `back` bytes before the separators of spans 0 and 2 (into *a) and
/// of spans 1 and 3 (into *b): the register layout of parse_four_short and parse_four_long.
static inline void load_before_separators(const uint8_t *base, const size_t *ends, size_t back, __m256i *a, __m256i *b) {
    *a = load_pair(base + ends[1] - back, base + ends[3] - back);
    *b = load_pair(base + ends[2] - back, base + ends[4] - back);
}

/// ends[1…4] - ends[0…3] (each span's length + 1) in 64-bit lanes, in order, and their low
/// bytes in every byte of the 128-bit lane that holds the span: numbers 0 and 2 in
/// *distance_a, 1 and 3 in *distance_b (the layout of load_pair's registers).
static inline __m256i span_distances(const size_t *ends, __m256i *distance_a, __m256i *distance_b) {
    __m256i distances = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 1)),
                                         _mm256_loadu_si256((const __m256i *)ends));
    *distance_a = _mm256_shuffle_epi8(distances, _mm256_setzero_si256());
    *distance_b = _mm256_shuffle_epi8(distances, _mm256_set1_epi8(8));
    return distances;
}

/// One number in each 128-bit lane of `raw` (16 bytes from its first byte) and of `distance`
/// (from the separator before it to its own, i.e. its length + 1, in every byte): the digits as
/// byte values 0…9, or above their limit where the shape is wrong, and all ones in each lane
/// of a negative number in *negative.
///
/// A number is `-?D.F…` up to its separator. The sign is dropped by shifting the lane down a
/// byte (pshufb), so the digit checks and weights have fixed places; lanes at or past the
/// separator are zeroed, except lanes 0–2, which a valid number always fills, so that a span
/// shorter than `D.F` compares its separator against a digit or the point and fails.
static inline __m256i lane_digits(__m256i raw, __m256i distance, __m256i *negative) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // A lane i ≥ 3 is kept when i < length after the sign = distance - 1 - sign.
    const __m256i kept_below = _mm256_setr_epi8(-128, -128, -128, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                                -128, -128, -128, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    // Lane 1 minus '.', the others minus '0': a valid lane is then at most its limit
    // (9 for a digit, 0 for the point) as an unsigned byte.
    const __m256i offset = _mm256_setr_epi8('0', '.', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0',
                                            '0', '.', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0');
    __m256i sign = _mm256_shuffle_epi8(_mm256_cmpeq_epi8(raw, _mm256_set1_epi8('-')), _mm256_setzero_si256());
    __m256i unsigned_raw = _mm256_shuffle_epi8(raw, _mm256_sub_epi8(iota, sign));
    __m256i kept = _mm256_cmpgt_epi8(_mm256_add_epi8(distance, sign), kept_below);
    *negative = sign;
    return _mm256_and_si256(_mm256_sub_epi8(unsigned_raw, offset), kept);
}

/// Numbers k…k+3 (spans ends[k] + 1 ..< ends[k + 1], …): their Floats into out[0…3], all four
/// stored whatever their checks, and which passed (bit j for number k + j; 0xF for all).
/// A number passes when it is `-?D.F…` with 1–13 fraction digits running exactly up to its
/// separator and its Double product is not within 4 ulps of a Float midpoint (see
/// FastFloatParser's comment): the 16-byte kernel's common path, with the same arithmetic.
static inline unsigned parse_four(const uint8_t *base, const size_t *ends, float *out) {
    // Numbers 0 and 2 in one register, 1 and 3 in the other: after the 128-bit-lane-wise
    // pack below, the four significands come out in order.
    __m256i raw_a = load_pair(base + (ends[0] + 1), base + (ends[2] + 1));
    __m256i raw_b = load_pair(base + (ends[1] + 1), base + (ends[3] + 1));
    // Separator distances, 64 bits each, in order; their low bytes spread over the lanes.
    __m256i distance_a, distance_b;
    __m256i distances = span_distances(ends, &distance_a, &distance_b);
    __m256i negative_a, negative_b;
    __m256i digits_a = lane_digits(raw_a, distance_a, &negative_a);
    __m256i digits_b = lane_digits(raw_b, distance_b, &negative_b);
    const __m256i limit = _mm256_setr_epi8(9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                           9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
    __m256i valid_a = _mm256_cmpeq_epi8(_mm256_min_epu8(digits_a, limit), digits_a);
    __m256i valid_b = _mm256_cmpeq_epi8(_mm256_min_epu8(digits_b, limit), digits_b);
    // A distance of at most 16: up to 13 fraction digits, or 12 after a minus sign (the
    // rare 13th is left to the general parser), so lane 15 is never kept.
    __m256i too_long = _mm256_cmpgt_epi64(distances, _mm256_set1_epi64x(16));
    // Digit pairs, quadruples, octets by multiply-add; the first pair (D, point) weighs (1, 0)
    // and reads as `0D`, so the 16 lanes spell 0 D F₁ … F₁₄ = (D + 0.F₁…F₁₄) × 10¹⁴.
    const __m256i pair_weights = _mm256_setr_epi8(1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                  1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    // Below 10¹⁵ < 2⁵² a significand converts to Double exactly.
    __m256d values = small_significands_as_doubles(sixteen_lane_significands(digits_a, digits_b, pair_weights));
    __m256d products = _mm256_mul_pd(values, _mm256_set1_pd(1e-14));
    // Numbers in the window's extra 7 ulps go to the general parser, which gives the same Float.
    __m256i near_midpoint = near_midpoints(products);
    // The signs, one 64-bit lane a number in the products' order, set after rounding (which
    // is symmetric), so -0.0 keeps its sign.
    __m256i negative = _mm256_unpacklo_epi64(negative_a, negative_b);
    __m256d signed_products = _mm256_or_pd(products, _mm256_castsi256_pd(_mm256_slli_epi64(negative, 63)));
    _mm_storeu_ps(out, _mm256_cvtpd_ps(signed_products));
    __m256i failed = _mm256_or_si256(_mm256_or_si256(near_midpoint, too_long),
                                     _mm256_andnot_si256(_mm256_and_si256(valid_a, valid_b), _mm256_set1_epi8(-1)));
    if (__builtin_expect(_mm256_testz_si256(failed, failed), 1)) return 0xF;
    // Which ones passed: rare, so no hurry.
    uint32_t valid_mask_a = (uint32_t)_mm256_movemask_epi8(valid_a);
    uint32_t valid_mask_b = (uint32_t)_mm256_movemask_epi8(valid_b);
    unsigned wrong = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_or_si256(near_midpoint, too_long)));
    return ~wrong & (((valid_mask_a & 0xFFFF) == 0xFFFF) | ((valid_mask_b & 0xFFFF) == 0xFFFF) << 1 |
                     ((valid_mask_a >> 16) == 0xFFFF) << 2 | ((valid_mask_b >> 16) == 0xFFFF) << 3);
}

/// The classes and shape of one short span per 128-bit lane of `chars` (the 16 bytes that end
/// at its separator, so its last digit is lane 15), for parse_four_short: the digits with the
/// point's gap closed (lanes up to the point from `previous`, the same bytes one earlier) and
/// the lanes before them zeroed; all ones where the shape is wrong in *invalid and at the
/// minus in *negative; 1 after the point (the fraction's digits) in *fraction.
__attribute__((always_inline)) static inline __m256i short_span_digits(__m256i chars, __m256i previous, __m256i distance, __m256i *invalid,
                                        __m256i *negative, __m256i *fraction) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    const __m256i last_lane = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1,
                                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1);
    __m256i values = _mm256_sub_epi8(chars, _mm256_set1_epi8('0'));
    __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(values, _mm256_set1_epi8(9)), values);
    // Lane i is in the span (its length is distance - 1) when i + distance > 16; bytes before
    // it (the separator, the number before) only matter in that they are not its own.
    __m256i in_span = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance), _mm256_set1_epi8(16));
    __m256i point = _mm256_and_si256(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('.')), in_span);
    __m256i minus = _mm256_cmpeq_epi8(chars, _mm256_set1_epi8('-'));
    __m256i zero = _mm256_cmpeq_epi8(chars, _mm256_set1_epi8('0'));
    __m256i space = _mm256_cmpeq_epi8(chars, _mm256_shuffle_epi8(spaces, chars));
    __m256i number = _mm256_andnot_si256(space, in_span);  // the span's bytes that are not whitespace
    __m256i after_number_start = _mm256_slli_si256(number, 1);  // lane i: lane i - 1 is one
    // At or before the point: a suffix OR of the point over the lanes.
    __m256i up_to_point = _mm256_or_si256(point, _mm256_srli_si256(point, 1));
    up_to_point = _mm256_or_si256(up_to_point, _mm256_srli_si256(up_to_point, 2));
    up_to_point = _mm256_or_si256(up_to_point, _mm256_srli_si256(up_to_point, 4));
    up_to_point = _mm256_or_si256(up_to_point, _mm256_srli_si256(up_to_point, 8));
    // After the point: a prefix OR of the point, one lane on.
    __m256i after_point = _mm256_slli_si256(point, 1);
    after_point = _mm256_or_si256(after_point, _mm256_slli_si256(after_point, 1));
    after_point = _mm256_or_si256(after_point, _mm256_slli_si256(after_point, 2));
    after_point = _mm256_or_si256(after_point, _mm256_slli_si256(after_point, 4));
    after_point = _mm256_or_si256(after_point, _mm256_slli_si256(after_point, 8));
    __m256i next_digit = _mm256_srli_si256(digit, 1), previous_digit = _mm256_slli_si256(digit, 1);
    __m256i wrong = _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(digit, point), _mm256_or_si256(minus, space)), in_span);
    // Whitespace or a minus after the number began; a minus without a digit after it.
    wrong = _mm256_or_si256(wrong, _mm256_and_si256(_mm256_or_si256(space, minus), _mm256_and_si256(after_number_start, in_span)));
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(next_digit, minus));
    // A point needs a digit on each side, and is the only one.
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(_mm256_and_si256(next_digit, previous_digit), point));
    wrong = _mm256_or_si256(wrong, _mm256_and_si256(point, _mm256_srli_si256(up_to_point, 1)));
    // A leading 0 alone (RFC 8259 §6): a 0 that starts a run of digits (not after a point)
    // with a digit after it.
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(_mm256_or_si256(previous_digit, _mm256_slli_si256(point, 1)),
                                                       _mm256_and_si256(zero, next_digit)));
    // The span ends with a digit (so it has one).
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(digit, last_lane));
    *invalid = _mm256_and_si256(wrong, in_span);
    *negative = _mm256_and_si256(minus, in_span);
    *fraction = _mm256_and_si256(after_point, _mm256_set1_epi8(1));
    // Close the point's gap: lanes up to the point take the byte before them.
    __m256i number_digits = _mm256_and_si256(digit, in_span);
    __m256i joined = _mm256_blendv_epi8(chars, previous, up_to_point);
    __m256i kept = _mm256_blendv_epi8(number_digits, _mm256_slli_si256(number_digits, 1), up_to_point);
    return _mm256_and_si256(_mm256_sub_epi8(joined, _mm256_set1_epi8('0')), kept);
}

/// Per 128-bit lane, the sum of its bytes, in both 64-bit halves.
static inline __m256i sum_per_lane(__m256i bytes) {
    __m256i halves = _mm256_sad_epu8(bytes, _mm256_setzero_si256());
    return _mm256_add_epi64(halves, _mm256_shuffle_epi32(halves, 0x4E));
}

/// Per 128-bit lane, the number of set bytes of `mask` (all-ones bytes) in both 64-bit halves.
static inline __m256i count_per_lane(__m256i mask) { return sum_per_lane(_mm256_and_si256(mask, _mm256_set1_epi8(1))); }

/// Per 64-bit lane, all ones when its 128-bit lane of `mask` has a byte set.
static inline __m256i any_per_lane(__m256i mask) {
    __m256i halves = _mm256_or_si256(mask, _mm256_shuffle_epi32(mask, 0x4E));
    return _mm256_xor_si256(_mm256_cmpeq_epi64(halves, _mm256_setzero_si256()), _mm256_set1_epi8(-1));
}

/// The end of parse_four_short and parse_four_long: `values`, the four significands as
/// Doubles in order, times 10^-(fraction digits) (per number the sum of the bytes of
/// fraction_a/b's 128-bit lane: numbers 0, 2 in a, 1, 3 in b), rounded to Float with the sign
/// of any minus in negative_a/b into out[0…3]; which passed: no byte of invalid_a/b's lane set,
/// no lane of `failed` set, and not near a Float midpoint.
static inline unsigned round_four(__m256d values, __m256i fraction_a, __m256i fraction_b, __m256i negative_a,
                                  __m256i negative_b, __m256i invalid_a, __m256i invalid_b, __m256i failed, float *out) {
    __m256i fraction_digits = _mm256_unpacklo_epi64(sum_per_lane(fraction_a), sum_per_lane(fraction_b));
    __m256d scales = _mm256_i64gather_pd(ck_json_powers_of_ten + 64, _mm256_sub_epi64(_mm256_setzero_si256(), fraction_digits), 8);
    __m256d products = _mm256_mul_pd(values, scales);
    __m256i negative = _mm256_unpacklo_epi64(count_per_lane(negative_a), count_per_lane(negative_b));
    __m256d signed_products = _mm256_or_pd(products, _mm256_castsi256_pd(_mm256_slli_epi64(negative, 63)));
    _mm_storeu_ps(out, _mm256_cvtpd_ps(signed_products));
    __m256i invalid = _mm256_unpacklo_epi64(any_per_lane(invalid_a), any_per_lane(invalid_b));
    failed = _mm256_or_si256(_mm256_or_si256(failed, invalid), near_midpoints(products));
    return ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(failed)) & 0xF;
}

/// Numbers k…k+3 whose spans are at most 15 bytes — whitespace, then `-?D…D` or
/// `-?D…D.D…D` up to the separator — as parse_four takes them (four at a time, two per
/// register, no branch per number; out[0…3] all stored), and which passed (bit j for number
/// k + j). The integers and short numbers of a row with whitespace after its commas
/// (`[121, 131, …]`, `[0.844422, 0.757954, …]`), which parse_four cannot take.
///
/// Each number's 16 bytes end at its separator, so its digits sit at fixed lanes from the end
/// whatever its length, sign or leading whitespace; short_span_digits checks the shape lane by
/// lane and closes the point's gap. At most 15 digits, so the significand converts to Double
/// exactly; the fraction's length picks the power of ten (a gather), then the product is
/// rounded and checked against the Float midpoint window as everywhere else.
__attribute__((always_inline)) static inline unsigned parse_four_short(const uint8_t *base, const size_t *ends, float *out) {
    // Loads reach 17 bytes back from each separator, and the first separator comes first.
    if (ends[1] < 17) return 0;
    __m256i chars_a, chars_b, previous_a, previous_b;
    load_before_separators(base, ends, 16, &chars_a, &chars_b);
    load_before_separators(base, ends, 17, &previous_a, &previous_b);
    __m256i distance_a, distance_b;
    __m256i distances = span_distances(ends, &distance_a, &distance_b);
    __m256i invalid_a, invalid_b, negative_a, negative_b, fraction_a, fraction_b;
    __m256i digits_a = short_span_digits(chars_a, previous_a, distance_a, &invalid_a, &negative_a, &fraction_a);
    __m256i digits_b = short_span_digits(chars_b, previous_b, distance_b, &invalid_b, &negative_b, &fraction_b);
    // At most 15 bytes a span (distance 16), so at most 15 digits; at least one byte.
    __m256i bad_length = _mm256_or_si256(_mm256_cmpgt_epi64(distances, _mm256_set1_epi64x(16)),
                                         _mm256_cmpgt_epi64(_mm256_set1_epi64x(2), distances));
    __m256d values = small_significands_as_doubles(sixteen_lane_significands(digits_a, digits_b, _mm256_set1_epi16(10 | 1 << 8)));
    return round_four(values, fraction_a, fraction_b, negative_a, negative_b, invalid_a, invalid_b, bad_length, out);
}

/// The 32 bytes that end at one long span's separator, in two registers (`low`: the first 16,
/// `high`: the last 16; one span per 128-bit lane): the digits with the point's gap closed and
/// the lanes before them zeroed, in the same two halves; all ones where the shape is wrong in
/// *invalid, at the minus in *negative and after the point in *fraction (both halves OR'ed
/// per lane into one register: only their counts are used). parse_four_long's half of
/// short_span_digits: the same checks, with neighbours and scans carried across the halves.
__attribute__((always_inline)) static inline void long_span_digits(__m256i low, __m256i high, __m256i distance, __m256i *digits_low,
                                    __m256i *digits_high, __m256i *invalid, __m256i *negative, __m256i *fraction) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    const __m256i last_lane = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1,
                                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1);
    const __m256i zero_char = _mm256_set1_epi8('0'), nine = _mm256_set1_epi8(9);
    // Lane g (0–31) is in the span (length distance - 1) when g + distance > 32.
    __m256i in_span_high = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance), _mm256_set1_epi8(16));
    __m256i in_span_low = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance), _mm256_set1_epi8(32));
    __m256i values_low = _mm256_sub_epi8(low, zero_char), values_high = _mm256_sub_epi8(high, zero_char);
    __m256i digit_low = _mm256_cmpeq_epi8(_mm256_min_epu8(values_low, nine), values_low);
    __m256i digit_high = _mm256_cmpeq_epi8(_mm256_min_epu8(values_high, nine), values_high);
    __m256i point_low = _mm256_and_si256(_mm256_cmpeq_epi8(low, _mm256_set1_epi8('.')), in_span_low);
    __m256i point_high = _mm256_and_si256(_mm256_cmpeq_epi8(high, _mm256_set1_epi8('.')), in_span_high);
    __m256i minus_low = _mm256_cmpeq_epi8(low, _mm256_set1_epi8('-')), minus_high = _mm256_cmpeq_epi8(high, _mm256_set1_epi8('-'));
    __m256i zero_low = _mm256_cmpeq_epi8(low, zero_char), zero_high = _mm256_cmpeq_epi8(high, zero_char);
    __m256i space_low = _mm256_cmpeq_epi8(low, _mm256_shuffle_epi8(spaces, low));
    __m256i space_high = _mm256_cmpeq_epi8(high, _mm256_shuffle_epi8(spaces, high));
    // Neighbours across the halves: next(x)[g] = x[g + 1], previous(x)[g] = x[g - 1].
#define NEXT_LOW(l, h) _mm256_alignr_epi8(h, l, 1)
#define NEXT_HIGH(h) _mm256_srli_si256(h, 1)
#define PREVIOUS_LOW(l) _mm256_slli_si256(l, 1)
#define PREVIOUS_HIGH(l, h) _mm256_alignr_epi8(h, l, 15)
    // At or before the point: a suffix OR of the point over all 32 lanes.
    __m256i up_to_point_high = _mm256_or_si256(point_high, _mm256_srli_si256(point_high, 1));
    up_to_point_high = _mm256_or_si256(up_to_point_high, _mm256_srli_si256(up_to_point_high, 2));
    up_to_point_high = _mm256_or_si256(up_to_point_high, _mm256_srli_si256(up_to_point_high, 4));
    up_to_point_high = _mm256_or_si256(up_to_point_high, _mm256_srli_si256(up_to_point_high, 8));
    __m256i up_to_point_low = _mm256_or_si256(point_low, _mm256_srli_si256(point_low, 1));
    up_to_point_low = _mm256_or_si256(up_to_point_low, _mm256_srli_si256(up_to_point_low, 2));
    up_to_point_low = _mm256_or_si256(up_to_point_low, _mm256_srli_si256(up_to_point_low, 4));
    up_to_point_low = _mm256_or_si256(up_to_point_low, _mm256_srli_si256(up_to_point_low, 8));
    __m256i point_in_high = any_per_lane(point_high);
    up_to_point_low = _mm256_or_si256(up_to_point_low, point_in_high);
    __m256i has_point = _mm256_or_si256(point_in_high, any_per_lane(point_low));
    __m256i wrong_low, wrong_high;
    {
        __m256i next_digit_low = NEXT_LOW(digit_low, digit_high), next_digit_high = NEXT_HIGH(digit_high);
        __m256i previous_digit_low = PREVIOUS_LOW(digit_low), previous_digit_high = PREVIOUS_HIGH(digit_low, digit_high);
        __m256i number_low = _mm256_andnot_si256(space_low, in_span_low);
        __m256i number_high = _mm256_andnot_si256(space_high, in_span_high);
        __m256i after_number_start_low = PREVIOUS_LOW(number_low);
        __m256i after_number_start_high = PREVIOUS_HIGH(number_low, number_high);
        // Bytes other than digits, the point, a minus and whitespace.
        wrong_low = _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(digit_low, point_low), _mm256_or_si256(minus_low, space_low)), in_span_low);
        wrong_high = _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(digit_high, point_high), _mm256_or_si256(minus_high, space_high)), in_span_high);
        // Whitespace or a minus after the number began; a minus without a digit after it.
        wrong_low = _mm256_or_si256(wrong_low, _mm256_and_si256(_mm256_or_si256(space_low, minus_low), after_number_start_low));
        wrong_high = _mm256_or_si256(wrong_high, _mm256_and_si256(_mm256_or_si256(space_high, minus_high), after_number_start_high));
        wrong_low = _mm256_or_si256(wrong_low, _mm256_andnot_si256(next_digit_low, minus_low));
        wrong_high = _mm256_or_si256(wrong_high, _mm256_andnot_si256(next_digit_high, minus_high));
        // A point needs a digit on each side, and is the only one.
        wrong_low = _mm256_or_si256(wrong_low, _mm256_andnot_si256(_mm256_and_si256(next_digit_low, previous_digit_low), point_low));
        wrong_high = _mm256_or_si256(wrong_high, _mm256_andnot_si256(_mm256_and_si256(next_digit_high, previous_digit_high), point_high));
        wrong_low = _mm256_or_si256(wrong_low, _mm256_and_si256(point_low, NEXT_LOW(up_to_point_low, up_to_point_high)));
        wrong_high = _mm256_or_si256(wrong_high, _mm256_and_si256(point_high, NEXT_HIGH(up_to_point_high)));
        // A leading 0 alone: a 0 that starts a run of digits (not after a point) with a
        // digit after it.
        wrong_low = _mm256_or_si256(wrong_low, _mm256_andnot_si256(_mm256_or_si256(previous_digit_low, PREVIOUS_LOW(point_low)),
                                                                   _mm256_and_si256(zero_low, next_digit_low)));
        wrong_high = _mm256_or_si256(wrong_high, _mm256_andnot_si256(_mm256_or_si256(previous_digit_high, PREVIOUS_HIGH(point_low, point_high)),
                                                                     _mm256_and_si256(zero_high, next_digit_high)));
        // The span ends with a digit.
        wrong_high = _mm256_or_si256(wrong_high, _mm256_andnot_si256(digit_high, last_lane));
    }
    *invalid = _mm256_or_si256(_mm256_and_si256(wrong_low, in_span_low), _mm256_and_si256(wrong_high, in_span_high));
    *negative = _mm256_or_si256(_mm256_and_si256(minus_low, in_span_low), _mm256_and_si256(minus_high, in_span_high));
    // After the point: the lanes not up to it, where there is one (all digits then), as
    // 0/1 bytes, the two halves added so that one sum counts them.
    const __m256i one = _mm256_set1_epi8(1);
    *fraction = _mm256_add_epi8(_mm256_and_si256(_mm256_andnot_si256(up_to_point_high, has_point), one),
                                _mm256_and_si256(_mm256_andnot_si256(up_to_point_low, has_point), one));
    // Close the point's gap: lanes up to the point take the byte before them.
    __m256i number_digits_low = _mm256_and_si256(digit_low, in_span_low);
    __m256i number_digits_high = _mm256_and_si256(digit_high, in_span_high);
    __m256i joined_low = _mm256_blendv_epi8(low, PREVIOUS_LOW(low), up_to_point_low);
    __m256i joined_high = _mm256_blendv_epi8(high, PREVIOUS_HIGH(low, high), up_to_point_high);
    __m256i kept_low = _mm256_blendv_epi8(number_digits_low, PREVIOUS_LOW(number_digits_low), up_to_point_low);
    __m256i kept_high = _mm256_blendv_epi8(number_digits_high, PREVIOUS_HIGH(number_digits_low, number_digits_high), up_to_point_high);
#undef NEXT_LOW
#undef NEXT_HIGH
#undef PREVIOUS_LOW
#undef PREVIOUS_HIGH
    *digits_low = _mm256_and_si256(_mm256_sub_epi8(joined_low, zero_char), kept_low);
    *digits_high = _mm256_and_si256(_mm256_sub_epi8(joined_high, zero_char), kept_high);
}

/// Numbers k…k+3 whose spans are 16–32 bytes — whitespace, then `-?D…D` or `-?D…D.D…D` up to
/// the separator, at most 19 significant digits — four at a time like parse_four_short, each
/// from the 32 bytes that end at its separator (two registers a pair of numbers): Python's
/// `json.dumps` of float32 rows (`, -0.13210485875606537`), JavaScript's shortest doubles,
/// pretty-printed rows. Which passed (bit j for number k + j); out[0…3] all stored.
///
/// The significand (up to 19 digits: o₁·10¹⁶ + o₂·10⁸ + o₃ from three octets, none in the
/// first eight lanes) is formed in 64-bit integer lanes and converted to Double with one
/// rounding (the high and low 32 bits as exact Doubles, then one add), so the product with
/// 10^-fraction keeps the three-rounding bound of nearest_float and the same midpoint window.
__attribute__((always_inline)) static inline unsigned parse_four_long(const uint8_t *base, const size_t *ends, float *out) {
    if (ends[1] < 33) return 0;
    __m256i high_a, high_b, low_a, low_b;
    load_before_separators(base, ends, 16, &high_a, &high_b);
    load_before_separators(base, ends, 32, &low_a, &low_b);
    __m256i distance_a, distance_b;
    __m256i distances = span_distances(ends, &distance_a, &distance_b);
    __m256i digits_low_a, digits_high_a, invalid_a, negative_a, fraction_a;
    __m256i digits_low_b, digits_high_b, invalid_b, negative_b, fraction_b;
    long_span_digits(low_a, high_a, distance_a, &digits_low_a, &digits_high_a, &invalid_a, &negative_a, &fraction_a);
    long_span_digits(low_b, high_b, distance_b, &digits_low_b, &digits_high_b, &invalid_b, &negative_b, &fraction_b);
    // Spans of 1–32 bytes (a shorter one would do too, but parse_four_short is cheaper).
    __m256i bad_length = _mm256_or_si256(_mm256_cmpgt_epi64(distances, _mm256_set1_epi64x(33)),
                                         _mm256_cmpgt_epi64(_mm256_set1_epi64x(2), distances));
    const __m256i pair_weights = _mm256_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                  10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    const __m256i by_hundred = _mm256_set1_epi32(100 | 1 << 16);
    const __m256i by_ten_thousand = _mm256_set1_epi32(10000 | 1 << 16);
    __m256i octets_low = _mm256_madd_epi16(
        _mm256_packs_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(digits_low_a, pair_weights), by_hundred),
                           _mm256_madd_epi16(_mm256_maddubs_epi16(digits_low_b, pair_weights), by_hundred)),
        by_ten_thousand);
    __m256i octets_high = _mm256_madd_epi16(
        _mm256_packs_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(digits_high_a, pair_weights), by_hundred),
                           _mm256_madd_epi16(_mm256_maddubs_epi16(digits_high_b, pair_weights), by_hundred)),
        by_ten_thousand);
    // Per number, in order: o₀ (lanes 0–7) in the low 32 bits of octets_low, o₁ in its high
    // 32; o₂ and o₃ likewise in octets_high. At most 19 significant digits: o₀ = 0, o₁ < 1000.
    __m256i top = _mm256_srli_epi64(octets_low, 32);
    __m256i too_many_digits = _mm256_or_si256(
        _mm256_xor_si256(_mm256_cmpeq_epi64(_mm256_and_si256(octets_low, _mm256_set1_epi64x(0xFFFFFFFF)), _mm256_setzero_si256()),
                         _mm256_set1_epi8(-1)),
        _mm256_cmpgt_epi64(top, _mm256_set1_epi64x(999)));
    // o₁·10¹⁶ from the two 32-bit halves of 10¹⁶, plus o₂·10⁸ + o₃: below 10¹⁹.
    __m256i significands = _mm256_add_epi64(
        _mm256_add_epi64(_mm256_mul_epu32(top, _mm256_set1_epi64x(10000000000000000ull & 0xFFFFFFFF)),
                         _mm256_slli_epi64(_mm256_mul_epu32(top, _mm256_set1_epi64x(10000000000000000ull >> 32)), 32)),
        _mm256_add_epi64(_mm256_mul_epu32(octets_high, _mm256_set1_epi64x(100000000)), _mm256_srli_epi64(octets_high, 32)));
    // Below 2⁶³ (the scalar parsers' bound), then to Double with one rounding: high 32 bits
    // as an exact multiple of 2³² less 2⁵², low 32 bits plus 2⁵², added.
    __m256i too_big = _mm256_cmpgt_epi64(_mm256_setzero_si256(), significands);
    __m256d high_part = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(significands, 32),
                                                                          _mm256_set1_epi64x(0x4530000000000000))),
                                      _mm256_set1_pd(0x1p84 + 0x1p52));
    __m256d low_part = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(significands, _mm256_set1_epi64x(0xFFFFFFFF)),
                                                           _mm256_set1_epi64x(0x4330000000000000)));
    __m256d values = _mm256_add_pd(high_part, low_part);
    return round_four(values, fraction_a, fraction_b, negative_a, negative_b, invalid_a, invalid_b,
                      _mm256_or_si256(bad_length, _mm256_or_si256(too_big, too_many_digits)), out);
}

#include "json_float_row_avx2_lead.h"
#include "json_float_row_avx2_integers.h"

/// window_masks + 32 - n, loaded as 32 bytes, has lanes n…31 set (n in 0…32).
static const uint8_t window_masks[64] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/// The number spanning ends[0] + 1 ..< ends[1] when the span is whitespace, then `-?D…D` or
/// `-?D…D.D…D` running exactly up to its separator, at most 32 bytes in all and at most 19
/// significant digits: Python's `json.dumps` of float32 rows (`, -0.13210485875606537`),
/// pretty-printed rows, JavaScript's shortest doubles, integers. Into *out, or 0 for any other
/// span (exponents, trailing whitespace, a Float midpoint…), which parse_span then tries.
///
/// All from 32 bytes that end at the separator, so the digits sit at fixed places counted
/// from the end: one compare per byte class (digit, point, minus, zero, whitespace) gives a
/// bit mask each, a few bit operations check the shape, and a second load one byte earlier,
/// blended in before the point, closes the gap the point leaves; then the digits are summed
/// by multiply-add (pairs, quadruples, octets) as in parse_four and rounded as nearest_float
/// does. One branch per number, on the combined checks.
///
/// With `scaled` (a constant) the number is the mantissa of an exponent form, the value times
/// 10^exponent, which must then land in the normal Float range (else 0, for parse_number).
__attribute__((always_inline)) static inline int parse_plain_span_scaled(const uint8_t *base, size_t before,
                                                                        size_t separator, int exponent, const int scaled,
                                                                        float *out) {
    size_t start = before + 1;
    size_t length = separator - start;
    // The two loads reach 33 bytes back from the separator.
    if (__builtin_expect(separator < 33, 0)) return 0;
    __m256i chars = _mm256_loadu_si256((const __m256i *)(base + separator - 32));
    __m256i previous = _mm256_loadu_si256((const __m256i *)(base + separator - 33));
    __m256i digits = _mm256_sub_epi8(chars, _mm256_set1_epi8('0'));
    // simdjson's whitespace table: a byte is JSON whitespace exactly when it equals the entry
    // its low nibble selects (pshufb gives 0 for bytes ≥ 0x80).
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    uint64_t digit_mask = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(digits, _mm256_set1_epi8(9)), digits));
    uint64_t point_mask = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('.')));
    uint64_t minus_mask = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('-')));
    uint64_t zero_mask = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('0')));
    uint64_t space_mask = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chars, _mm256_shuffle_epi8(spaces, chars)));
    // The span's lanes are 32 - length … 31; f is its first byte that is not whitespace,
    // first_digit the one after the minus if there is one.
    unsigned clamped = length < 32 ? (unsigned)length : 32;
    uint64_t span = (0xFFFFFFFFull << (32 - clamped)) & 0xFFFFFFFFull;
    unsigned f = (unsigned)_tzcnt_u64((span & ~space_mask) | 1ull << 32);
    uint64_t negative = (minus_mask >> f) & 1;
    unsigned first_digit = f + (unsigned)negative;
    // From first_digit on only digits and points; of the points at most one, neither first
    // nor last (so with a digit on each side); a leading 0 alone (RFC 8259 §6).
    uint64_t points = point_mask >> first_digit;
    int passes = (length - 1 < 32) & (first_digit < 32) &
                 (((digit_mask | point_mask) >> first_digit) == (0xFFFFFFFFull >> first_digit)) &
                 ((points & (points - 1)) == 0) & !(points & 1) & !(point_mask >> 31) &
                 !((zero_mask >> first_digit) & (digit_mask >> (first_digit + 1)) & 1);
    uint64_t has_point = points != 0;
    int point_lane = has_point ? (int)(_tzcnt_u64(points) + first_digit) : -1;
    // Lanes after the point from `chars`, the others from `previous` (shifted one byte right),
    // so the digits run without a gap up to lane 31; lanes before them are zeroed.
    unsigned digits_from = first_digit + (unsigned)has_point;
    digits_from = digits_from < 32 ? digits_from : 32;
    __m256i after_point = _mm256_loadu_si256((const __m256i *)(window_masks + 31 - point_lane));
    __m256i joined = _mm256_blendv_epi8(previous, chars, after_point);
    __m256i values = _mm256_and_si256(_mm256_sub_epi8(joined, _mm256_set1_epi8('0')),
                                      _mm256_loadu_si256((const __m256i *)(window_masks + 32 - digits_from)));
    const __m256i pair_weights = _mm256_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                  10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    __m256i quads = _mm256_madd_epi16(_mm256_maddubs_epi16(values, pair_weights), _mm256_set1_epi32(100 | 1 << 16));
    __m256i octets = _mm256_madd_epi16(_mm256_packs_epi32(quads, quads), _mm256_set1_epi32(10000 | 1 << 16));
    // Octets of lanes 0–7, 8–15 (low half), 16–23, 24–31 (high half).
    uint64_t low = (uint64_t)_mm_cvtsi128_si64(_mm256_castsi256_si128(octets));
    uint64_t high = (uint64_t)_mm_cvtsi128_si64(_mm256_extracti128_si256(octets, 1));
    // At most 19 significant digits: nothing in lanes 0–7, at most three in 8–15. Then the
    // significand is below 10^19; the conversion below also needs it below 2^63.
    uint64_t top = low >> 32;
    uint64_t significand = (top * 100000000u + (high & 0xFFFFFFFFu)) * 100000000u + (high >> 32);
    passes &= ((low & 0xFFFFFFFFu) == 0) & (top < 1000) & (significand >> 63 == 0);
    // Between 10^-31 and 10^19: a normal Float, so only the midpoint check of nearest_float.
    int power = -(31 - point_lane) * (int)has_point;
    if (scaled) {
        // 10^power from the table (10⁻⁶⁴…10⁶⁴, each correctly rounded, as the fixed range's).
        power += exponent;
        if (power < -64 || power > 64) return 0;
    }
    double product = (double)(int64_t)significand * ck_json_powers_of_ten[64 + power];
    // The midpoint check below takes a normal Float's 29 dropped bits.
    if (scaled) passes &= (product >= 0x1p-126) & (product <= 0x1.fffffep127);
    uint64_t bits;
    memcpy(&bits, &product, sizeof bits);
    passes &= (bits & 0x1FFFFFFFu) - 0x0FFFFFFCu > 8;
    if (__builtin_expect(!passes, 0)) return 0;
    float magnitude = (float)product;
    uint32_t single;
    memcpy(&single, &magnitude, sizeof single);
    single |= (uint32_t)negative << 31;
    memcpy(out, &single, sizeof single);
    return 1;
}

/// parse_plain_span_scaled unscaled: the span ends[0] + 1 ..< ends[1].
__attribute__((always_inline)) static inline int parse_plain_span(const uint8_t *base, const size_t *ends, float *out) {
    return parse_plain_span_scaled(base, ends[0], ends[1], 0, 0, out);
}

/// An exponent form spanning ends[0] + 1 ..< ends[1], whitespace then `-?D…[.D…]` as
/// parse_plain_span takes it, then `e` or `E`, an optional sign and one to three digits, running
/// exactly up to the separator (Python's `1e-05`, `3.4028234663852886e+38`, JavaScript's
/// `1.5e-7`): the mantissa by parse_plain_span_scaled, times 10^exponent. About 70 instructions
/// against parse_number's 240 for the exponent forms, one in a hundred, of Python's and
/// JavaScript's float32 rows; anything else (longer exponents, whitespace before the separator,
/// a subnormal or overflowing result, a value near a midpoint) 0.
static inline int parse_exponent_span(const uint8_t *base, const size_t *ends, float *out) {
    size_t start = ends[0] + 1, p = ends[1];
    int exponent = 0, scale = 1, digits = 0;
    while (digits < 3 && p > start && (unsigned)(base[p - 1] - '0') <= 9) {
        exponent += (base[p - 1] - '0') * scale;
        scale *= 10;
        p--;
        digits++;
    }
    if (digits == 0 || p <= start + 1) return 0;
    if (base[p - 1] == '-' || base[p - 1] == '+') {
        if (base[p - 1] == '-') exponent = -exponent;
        p--;
    }
    if (p <= start + 1 || (base[p - 1] | 0x20) != 'e') return 0;
    return parse_plain_span_scaled(base, ends[0], p - 1, exponent, 1, out);
}

/// The number spanning ends[0] + 1 ..< ends[1] (its separator) in any shape parse_number takes,
/// with whitespace before and after it, into *out; 0 when it is not exactly that (or
/// parse_number declines). Within a batch every number has the 32 bytes after its separator
/// in the buffer (TAIL_SLACK), so only a hard number is declined here.
__attribute__((noinline)) static int parse_span(const uint8_t *base, size_t count, const size_t *ends, float *out) {
    // Most spans declined by the four-at-a-time parsers are exponent forms: a short way first.
    if (parse_exponent_span(base, ends, out)) return 1;
    size_t end;
    if (!parse_number(base, count, ends[0] + 1, &end, out)) return 0;
    while (end < ends[1] && is_space(base[end])) end++;
    return end == ends[1];
}

/// How many of the n numbers from ends[0] on parse_plain_span or else parse_span take in a
/// row, into out. Not inlined: alone, the loop keeps its values in registers.
__attribute__((noinline)) static size_t parse_spans(const uint8_t *base, size_t count, const size_t *ends, float *out,
                                                    size_t n) {
    size_t j = 0;
    while (j < n && (parse_plain_span(base, ends + j, out + j) || parse_span(base, count, ends + j, out + j))) j++;
    return j;
}

/// After parse_four: how many of the first `wanted` numbers lead up to the first one that
/// neither passed nor parse_span takes (`wanted` for none), those it takes parsed into out.
static inline unsigned count_leading_parsed(const uint8_t *base, size_t count, const size_t *ends, float *out,
                                            unsigned passing, unsigned wanted) {
    unsigned j = 0;
    for (; j < wanted; j++) {
        if (passing >> j & 1) continue;
        // The four-at-a-time parser declined it, so it is likely an exponent form or a hard
        // case: straight to the general parser.
        if (!parse_span(base, count, ends + j, out + j)) break;
    }
    return j;
}

/// The kinds of row, in the order a row is tried as (ck_json_parse_float_row_avx2): each has
/// its four-at-a-time parser, but the last, whose spans go one at a time (parse_spans).
enum { COMPACT, LEADING_DIGITS, INTEGERS, LEAD_EXPONENTS, SHORT_SPANS, LONG_SPANS, SINGLE_SPANS };

/// Groups of four from ends[0] on, at most `groups`, while `parse` takes all four, or all but
/// one that parse_span takes (an exponent form, a value near a Float midpoint: a few in a
/// hundred in some rows, which would otherwise each leave the loop and come back): how many it
/// took, and in *passing the mask of the group that stopped it (0xF when none did). Inlined
/// into parse_groups once per parser, so that its many constants are loaded once, not once a
/// group. A group with two numbers declined stops the loop, so that the caller can move the
/// row on to the next kind.
__attribute__((always_inline)) static inline size_t parse_groups_with(
    unsigned (*parse)(const uint8_t *, const size_t *, float *), const uint8_t *base, size_t count, const size_t *ends,
    float *out, size_t groups, unsigned *passing) {
    size_t g = 0;
    *passing = 0xF;
    for (; g < groups; g++) {
        unsigned parsed = parse(base, ends + 4 * g, out + 4 * g);
        if (__builtin_expect(parsed != 0xF, 0)) {
            if (__builtin_popcount(parsed) == 3) {
                unsigned j = (unsigned)__builtin_ctz(~parsed & 0xF);
                if (parse_span(base, count, ends + 4 * g + j, out + 4 * g + j)) continue;
            }
            *passing = parsed;
            break;
        }
    }
    return g;
}

/// parse_groups_with(parse_four_integers) for an integer row, but eight at a time while
/// parse_eight_integers takes all eight: the first group, pairs it declines (longer integers, a
/// malformed one) and the last odd group go by four, and after two such pairs in a batch (a row
/// of longer integers) the rest does too. The same results: both take the same integers to the
/// same Floats.
/// Not inlined into parse_groups: there its constants, set up on entry, cost every other kind's
/// rows half an instruction a number.
__attribute__((noinline)) static size_t parse_integer_groups(const uint8_t *base, size_t count, const size_t *ends,
                                                             float *out, size_t groups, unsigned *passing) {
    // The first group by four: a row that only passes through this kind on its way to another
    // (exponent forms) then costs no eight-at-a-time attempt.
    *passing = 0xF;
    if (groups == 0 || !parse_groups_with(parse_four_integers, base, count, ends, out, 1, passing)) return 0;
    size_t g = 1;
    // The eight-at-a-time loads reach 8 bytes back from each separator, and separators only grow.
    int misses = ends[1] < 8 ? 2 : 0;
    while (g < groups) {
        if (misses < 2 && g + 2 <= groups) {
            if (parse_eight_integers(base, ends + 4 * g, out + 4 * g) == 0xFF) {
                g += 2;
                continue;
            }
            misses++;
        }
        size_t wanted = misses < 2 && groups - g >= 2 ? 2 : groups - g;
        size_t taken = parse_groups_with(parse_four_integers, base, count, ends + 4 * g, out + 4 * g, wanted, passing);
        g += taken;
        if (taken < wanted) break;
    }
    return g;
}

static size_t parse_groups(const uint8_t *base, size_t count, const size_t *ends, float *out, size_t groups, int kind,
                           unsigned *passing);

/// parse_groups for a row of leading digits (with or without exponents) whose first groups'
/// loads would reach before the buffer's start (its first few numbers): those number by number,
/// so that the row does not move on to another kind for them, then parse_groups for the rest.
__attribute__((noinline)) static size_t parse_first_groups(const uint8_t *base, size_t count, const size_t *ends,
                                                           float *out, size_t groups, int kind, unsigned *passing,
                                                           size_t first_separator) {
    size_t g = 0;
    for (; g < groups && ends[4 * g + 1] < first_separator; g++) {
        for (unsigned j = 0; j < 4; j++) {
            if (!parse_span(base, count, ends + 4 * g + j, out + 4 * g + j)) {
                *passing = 0xF & ~(1u << j);
                return g;
            }
        }
    }
    *passing = 0xF;
    return g == groups ? g : g + parse_groups(base, count, ends + 4 * g, out + 4 * g, groups - g, kind, passing);
}

/// parse_groups_with(parse_four_lead_exponents_unchecked), out of line for the same reason as
/// parse_integer_groups: inlined, its many constants cost other kinds' rows.
__attribute__((noinline)) static size_t parse_lead_exponent_groups(const uint8_t *base, size_t count, const size_t *ends,
                                                                   float *out, size_t groups, unsigned *passing) {
    return parse_groups_with(parse_four_lead_exponents_unchecked, base, count, ends, out, groups, passing);
}

/// parse_groups_with the four-at-a-time parser of the row's kind (LEADING_DIGITS, INTEGERS,
/// LEAD_EXPONENTS, SHORT_SPANS or LONG_SPANS). A function of its own, so that the parser's
/// constants stay in registers.
__attribute__((noinline)) static size_t parse_groups(const uint8_t *base, size_t count, const size_t *ends, float *out,
                                                     size_t groups, int kind, unsigned *passing) {
    // The leading-digits parsers' loads reach back from the separators: checked once, as
    // separators only grow.
    if (kind == LEADING_DIGITS) {
        if (groups > 0 && ends[1] < LEAD_FIRST_SEPARATOR)
            return parse_first_groups(base, count, ends, out, groups, kind, passing, LEAD_FIRST_SEPARATOR);
        return parse_groups_with(parse_four_lead_unchecked, base, count, ends, out, groups, passing);
    }
    if (kind == LEAD_EXPONENTS) {
        if (groups > 0 && ends[1] < LEAD_EXPONENTS_FIRST_SEPARATOR)
            return parse_first_groups(base, count, ends, out, groups, kind, passing, LEAD_EXPONENTS_FIRST_SEPARATOR);
        return parse_lead_exponent_groups(base, count, ends, out, groups, passing);
    }
    if (kind == INTEGERS) return parse_integer_groups(base, count, ends, out, groups, passing);
    if (kind == LONG_SPANS) return parse_groups_with(parse_four_long, base, count, ends, out, groups, passing);
    return parse_groups_with(parse_four_short, base, count, ends, out, groups, passing);
}

/// The first `wanted` (1–4) numbers from ends[0] as the four-at-a-time parser of `kind` takes
/// them, as a group of four padded with spans after ends[wanted] (in the buffer, and dropped):
/// how many lead up to the first that neither it nor parse_span takes, parsed into out.
__attribute__((noinline)) static unsigned parse_last_few(const uint8_t *base, size_t count, const size_t *ends,
                                                         float *out, unsigned wanted, int kind) {
    size_t padded[5];
    for (unsigned j = 0; j < 5; j++) padded[j] = ends[j <= wanted ? j : wanted];
    float values[4];
    unsigned passing = kind == COMPACT          ? parse_four(base, padded, values)
                       : kind == LEADING_DIGITS ? parse_four_lead(base, padded, values)
                       : kind == INTEGERS       ? parse_four_integers(base, padded, values)
                       : kind == LEAD_EXPONENTS ? parse_four_lead_exponents(base, padded, values)
                       : kind == SHORT_SPANS    ? parse_four_short(base, padded, values)
                       : kind == LONG_SPANS     ? parse_four_long(base, padded, values)
                                                : 0;
    unsigned taken = count_leading_parsed(base, count, padded, values, passing, wanted);
    memcpy(out, values, taken * sizeof(float));
    return taken;
}

/// Where the number that starts at or after `p` really starts: `p` itself, unless p was
/// reached by stepping over the comma at `after_comma` without looking at the byte there
/// (after_comma is SIZE_MAX otherwise) and that byte is no number start; then whitespace may
/// precede the number, or the row ends at that comma ((size_t)-1).
static inline size_t resolve_start(const uint8_t *base, size_t count, size_t p, size_t after_comma) {
    if (after_comma == SIZE_MAX || is_number_start(base[p])) return p;
    return next_number_start(base, count, after_comma);
}

/// parse_row's stop when it reaches the buffer's last 96 bytes with `copies_tail` set: *position is
/// the next number's start, for parse_copied_tail.
enum { ROW_NEAR_END = 3 };

/// Slots of parse_row's separator array: a batch's, and 16 past the last separator for the
/// listing's unconditional stores (33 KiB).
enum { ROW_ENDS = 1 + LONG_BATCH_BLOCKS * 64 + 16 };

/// The kernel, from *position on, with the row's kind as far as seen in *kind (COMPACT at its
/// start) and `ends` for its separators (ROW_ENDS slots, or as many as the buffer's blocks need);
/// near the buffer's end (closer than a block and TAIL_SLACK) it stops with ROW_NEAR_END when
/// `copies_tail` is set, else hands the rest to the 16-byte kernel. Inlined into both callers:
/// called, it cost the short compact form 7 % more instructions (its start no longer known to be
/// COMPACT, its flags no longer constants).
__attribute__((always_inline)) static inline size_t parse_row(const uint8_t *base, size_t count, size_t *position,
                                                              float *out, size_t capacity, ck_json_row_stop *stop,
                                                              int *kind, int copies_tail, size_t *ends) {
    size_t p = *position;
    size_t after_comma = SIZE_MAX;
    size_t written = 0;
    // The kind of row, as far as seen: it moves on once a group of four holds two numbers
    // the current kind's parser declines (rows of a body are written alike), so that the rest
    // of the row goes straight to the parser that takes it.
    int spans = *kind;
    // How far apart the last batch's separators were on average: 22 bytes or more (2), rows of
    // the long kinds list 3 slots a block (list_sparse_separators: pretty-printing), 16 or more
    // (1) 4 slots (list_long_separators: Python's float32 rows), else 8 (shortest forms such as
    // orjson's `0.84442186` read by the leading-digits parser).
    int sparse = 0;
    if (spans == COMPACT && p + 128 + TAIL_SLACK <= count) {
        // A row's first 128 bytes tell its kind from its spacing: numbers 16 bytes apart or
        // more are not short compact ones, so the row starts as leading digits (and is listed
        // as long from its first batch), without a group of four declined by parse_four and a
        // first batch listed with 8 slots a block: about 500 instructions a row of
        // pretty-printing. Only which parser is tried first changes.
        // Rows without a point or an exponent there start as integers (pixel values), past two
        // groups of four that the other parsers would decline.
        const __m256i comma = _mm256_set1_epi8(','), point = _mm256_set1_epi8('.'), case_bit = _mm256_set1_epi8(0x20);
        unsigned commas = 0;
        uint32_t fractions = 0;
        for (int i = 0; i < 4; i++) {
            __m256i bytes = _mm256_loadu_si256((const __m256i *)(base + p + 32 * i));
            commas += (unsigned)_mm_popcnt_u32((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, comma)));
            fractions |= (uint32_t)_mm256_movemask_epi8(
                _mm256_or_si256(_mm256_cmpeq_epi8(bytes, point),
                                _mm256_cmpeq_epi8(_mm256_or_si256(bytes, case_bit), _mm256_set1_epi8('e'))));
        }
        if (commas <= 8) {
            spans = LEADING_DIGITS;
            sparse = commas <= 5 ? 2 : 1;
        } else if (!fractions) {
            spans = INTEGERS;
        }
    }
    for (;;) {
        if (p + 64 + TAIL_SLACK > count) {
            // Near the end of the buffer the 16-byte kernel does the rest (and refuses the
            // last 32 bytes to the Swift caller).
            size_t start = resolve_start(base, count, p, after_comma);
            if (start == (size_t)-1) {
                *position = after_comma;
                *stop = CK_JSON_ROW_END;
                return written;
            }
            *position = start;
            if (copies_tail) {
                *kind = spans;
                *stop = (ck_json_row_stop)ROW_NEAR_END;
                return written;
            }
            return written + ck_json_parse_float_row_ssse3(base, count, position, out + written, capacity - written, stop);
        }
        int closed;
        size_t listed = spans == COMPACT || spans == INTEGERS || spans == SHORT_SPANS || !sparse
                            ? list_separators(base, count, p, ends, &closed)
                        : sparse == 1 ? list_long_separators(base, count, p, ends, &closed)
                                      : list_sparse_separators(base, count, p, ends, &closed);
        size_t spacing = listed > 0 ? (ends[listed] - ends[0]) / listed : 0;
        sparse = spacing >= 22 ? 2 : spacing >= 16;
        // The row's last number ends at its last byte that is not whitespace (pretty-printing
        // puts a line break and indentation before the `]`), so that it is parsed as the
        // others are; the stop after it is then there, where peeking for the `]` skips the rest.
        if (closed)
            while (ends[listed] - 1 > ends[listed - 1] && is_space(base[ends[listed] - 1])) ends[listed]--;
        size_t k = 0;
        for (;;) {
            // Groups of four while they fit in the batch and in `out`: number k goes to
            // out_k[k], so the loop advances k alone.
            size_t last = listed - k < capacity - written ? listed : k + (capacity - written);
            float *out_k = out + written - k;
            size_t first = k;
            unsigned passing = 0xF;
            if (spans == SINGLE_SPANS) {
                // Every listed number has both its separators: no groups, no tail.
                k += parse_spans(base, count, ends + k, out_k + k, last - k);
                if (k < last) passing = 0;  // number k is hard: taken one at a time below
            } else if (spans != COMPACT) {
                k += 4 * parse_groups(base, count, ends + k, out_k + k, (last - k) / 4, spans, &passing);
            } else {
                // Two groups an iteration: a loop test fewer, and about 2 % faster here.
#pragma clang loop unroll_count(2)
                while (k + 4 <= last) {
                    passing = parse_four(base, ends + k, out_k + k);
                    if (__builtin_expect(passing != 0xF, 0)) break;
                    k += 4;
                }
            }
            written += k - first;
            // Numbers parsed below (the rest of a group, or the last few) unless one is hard.
            unsigned taken = 0, asked = 0;
            if (passing != 0xF) {
                // Two of four declined: the row is of the next kind, whose parser takes the group
                // again (not the general parser number by number: four of those cost more than
                // a row of groups). Three for leading digits (and with exponents), whose rows hold a few declined
                // numbers of their own (exponent forms, values near a midpoint, about one in 50
                // in Python's float32 rows), two of which meet in some group of a long row.
                int tolerant = spans == LEADING_DIGITS || spans == LEAD_EXPONENTS;
                if (spans != SINGLE_SPANS && __builtin_popcount(passing) <= (tolerant ? 1 : 2)) {
                    spans++;
                    continue;
                }
                asked = spans == SINGLE_SPANS ? 1 : 4;
                taken = spans == SINGLE_SPANS ? 0 : count_leading_parsed(base, count, ends + k, out + written, passing, asked);
            } else if (k > 0 && (k == listed || (!closed && written + 4 <= capacity))) {
                if (written == capacity) {
                    *position = ends[k];
                    *stop = CK_JSON_ROW_FULL;
                    return written;
                }
                if (closed) {
                    // The row's last number, just before its `]`.
                    *position = ends[k];
                    *stop = CK_JSON_ROW_END;
                    return written;
                }
                // The batch is used up, but for fewer than four numbers whose separators may
                // lie in the next block: list again from the first of them.
                after_comma = ends[k];
                p = ends[k] + 1;
                break;
            } else if (k < listed && written < capacity) {
                // The last one to three numbers of a row, or of the room left.
                asked = (unsigned)(last - k);
                taken = parse_last_few(base, count, ends + k, out + written, asked, spans);
            }
            written += taken;
            k += taken;
            if (written == capacity) {
                *position = ends[k];
                *stop = CK_JSON_ROW_FULL;
                return written;
            }
            if (closed && k == listed) {
                *position = ends[k];
                *stop = CK_JSON_ROW_END;
                return written;
            }
            if (taken == asked && asked) continue;
            // Number k one at a time, by the 16-byte kernel (which also sorts out what is not
            // a number, and hands a hard one back to the caller).
            size_t start = resolve_start(base, count, ends[k] + 1, k > 0 ? ends[k] : after_comma);
            if (start == (size_t)-1) {
                *position = k > 0 ? ends[k] : after_comma;
                *stop = CK_JSON_ROW_END;
                return written;
            }
            size_t end = start;
            ck_json_row_stop single_stop;
            if (!ck_json_parse_float_row_ssse3(base, count, &end, out + written, 1, &single_stop)) {
                *position = end;
                *stop = single_stop;
                return written;
            }
            written++;
            size_t next;
            if (row_stops_after(base, count, end, written, capacity, position, stop, &next)) return written;
            if (k < listed && skip_whitespace(base, count, end) == ends[k + 1]) {
                // It ended at its listed separator and a number follows: on with the batch.
                k++;
                continue;
            }
            after_comma = SIZE_MAX;
            p = next;
            break;
        }
    }
}

enum {
    /// Bytes before the tail's first number copied with it: every look-behind of the parsers
    /// (33 bytes at most) then reads real bytes, as in the buffer.
    TAIL_BEFORE = 64,
    /// The copy's size: TAIL_BEFORE, the fewer than 64 + TAIL_SLACK bytes left, and spaces up
    /// to here, so that parse_row's batches cover every real byte (a batch starting at the last
    /// one still has two blocks and TAIL_SLACK of room).
    TAIL_COPY = 320,
};

/// The numbers from *position, fewer than 64 + TAIL_SLACK bytes before the buffer's end, by
/// parse_row over a copy of the rest followed by spaces: the same numbers and stops as in the
/// buffer (a number never runs on into whitespace, and a row cut off by the buffer's end stops
/// at the same place), at a batch's cost rather than the 16-byte kernel's number by number and
/// the Swift parser's for the last 32 bytes, which weighed most in one-row bodies.
__attribute__((noinline)) static size_t parse_copied_tail(const uint8_t *base, size_t count, size_t *position,
                                                          float *out, size_t capacity, ck_json_row_stop *stop,
                                                          int kind) {
    uint8_t copy[TAIL_COPY];
    size_t from = *position > TAIL_BEFORE ? *position - TAIL_BEFORE : 0;
    size_t length = count - from;  // at most TAIL_BEFORE + 63 + TAIL_SLACK
    memcpy(copy, base + from, length);
    memset(copy + length, ' ', TAIL_COPY - length);
    size_t local = *position - from;
    // Its batches list at most the copy's blocks.
    size_t ends[1 + TAIL_COPY + 16];
    size_t written = parse_row(copy, TAIL_COPY, &local, out, capacity, stop, &kind, 0, ends);
    *position = from + local;
    return written;
}

size_t JSON_ROW_WIDE_FN(ck_json_parse_float_row)(const uint8_t *base, size_t count, size_t *position, float *out,
                                                 size_t capacity, ck_json_row_stop *stop) {
    int kind = COMPACT;
    size_t ends[ROW_ENDS];
    size_t written = parse_row(base, count, position, out, capacity, stop, &kind, 1, ends);
    if (*stop != (ck_json_row_stop)ROW_NEAR_END) return written;
    // The rest of the row goes on as the kind it was seen to be.
    return written + parse_copied_tail(base, count, position, out + written, capacity - written, stop, kind);
}

#pragma clang attribute pop
#endif
