// The JSON row kernel with AVX2 (entered only when CPUID and XCR0 report it): the same
// contract and the same results as the SSE2/SSSE3 kernel (json_float_row_impl.h), restructured
// so that numbers do not wait on each other.
//
// The 16-byte kernel finds each number's end from a load at its start, so every number waits
// for the one before (load, compare, bit scan: about 13 cycles a number). Here a first pass
// lists the separators (`,` and the row's `]`) of up to 1 KiB, 64 bytes at a time, and a second
// pass takes the numbers between them four at a time, two per 256-bit register: checking the
// shape `-?D.F…` (1–13 fraction digits), converting the digits, rounding through one Double
// product and checking the Float midpoint window, all without a branch per number. Exponent
// forms (`5.514408e-9`) are parsed here one at a time; any other number that fails a check is
// handed to the SSSE3 kernel for that one number, and the batch resumes after it.
#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,bmi,popcnt"))), apply_to = function)
#define JSON_ROW_SSSE3 1
#include "json_float_row_scalar.h"

size_t ck_json_parse_float_row_ssse3(const uint8_t *base, size_t count, size_t *position, float *out,
                                     size_t capacity, ck_json_row_stop *stop);

enum {
    /// Blocks of 64 bytes whose separators one batch lists: enough that the batch's fixed
    /// costs (a mispredicted loop exit or two) spread over about 90 numbers.
    BATCH_BLOCKS = 16,
    /// Bytes a block may not come closer to the buffer's end than. 16 would keep every load
    /// in the buffer (a number's 16-byte load starts before its separator); 32 also leaves
    /// the numbers of the last 32 bytes to the 16-byte kernel, which refuses them, so both
    /// builds stop at the same places.
    TAIL_SLACK = 32,
};

/// Appends the offsets `block + i` of the set bits i of `mask` to ends[n…] and returns the new
/// count. As in simdjson's flatten_bits: eight slots are written whatever the count (stray
/// ones lie past the count and are never read), so a typical block takes no branch.
__attribute__((always_inline)) static inline size_t flatten_separators(size_t *ends, size_t n, size_t block, uint64_t mask) {
    size_t found = (size_t)_mm_popcnt_u64(mask);
    size_t *slot = ends + n;
    for (int i = 0; i < 8; i++) {
        slot[i] = block + _tzcnt_u64(mask);
        mask = _blsr_u64(mask);
    }
    if (found > 8) {
        for (int i = 8; i < 16; i++) {
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

/// Lists the separators of up to BATCH_BLOCKS blocks from `start` into ends[1…] (ends[0] is
/// `start - 1`, so number k always spans ends[k] + 1 ..< ends[k + 1]) and returns their count.
/// Stops after the first `]` (then *closed is 1 and it is the last entry) or where a block
/// would come within TAIL_SLACK bytes of the end.
static inline size_t list_separators(const uint8_t *base, size_t count, size_t start, size_t *ends, int *closed) {
    const __m256i comma = _mm256_set1_epi8(',');
    const __m256i close = _mm256_set1_epi8(']');
    ends[0] = start - 1;
    size_t n = 0;
    *closed = 0;
    size_t block = start;
    // Not unrolled: a copy of the flattening per block would crowd the instruction cache.
#pragma clang loop unroll(disable)
    for (int i = 0; i < BATCH_BLOCKS && block + 64 + TAIL_SLACK <= count; i++, block += 64) {
        __m256i low = _mm256_loadu_si256((const __m256i *)(base + block));
        __m256i high = _mm256_loadu_si256((const __m256i *)(base + block + 32));
        uint64_t commas = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, comma)) |
                          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, comma)) << 32;
        __m256i low_closes = _mm256_cmpeq_epi8(low, close), high_closes = _mm256_cmpeq_epi8(high, close);
        if (!_mm256_testz_si256(_mm256_or_si256(low_closes, high_closes), _mm256_set1_epi8(-1))) {
            // The row ends at its first `]`: the separators up to it and no further.
            uint64_t closes = (uint32_t)_mm256_movemask_epi8(low_closes) |
                              (uint64_t)(uint32_t)_mm256_movemask_epi8(high_closes) << 32;
            *closed = 1;
            return flatten_separators(ends + 1, n, block, (commas | closes) & _blsmsk_u64(closes));
        }
        n = flatten_separators(ends + 1, n, block, commas);
    }
    return n;
}

static inline __m256i load_pair(const uint8_t *low, const uint8_t *high) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)low)),
                                   _mm_loadu_si128((const __m128i *)high), 1);
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
    __m256i distances = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 1)),
                                         _mm256_loadu_si256((const __m256i *)ends));
    __m256i distance_a = _mm256_shuffle_epi8(distances, _mm256_setzero_si256());
    __m256i distance_b = _mm256_shuffle_epi8(distances, _mm256_set1_epi8(8));
    __m256i negative_a, negative_b;
    __m256i digits_a = lane_digits(raw_a, distance_a, &negative_a);
    __m256i digits_b = lane_digits(raw_b, distance_b, &negative_b);
    const __m256i limit = _mm256_setr_epi8(9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                           9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
    __m256i valid_a = _mm256_cmpeq_epi8(_mm256_min_epu8(digits_a, limit), digits_a);
    __m256i valid_b = _mm256_cmpeq_epi8(_mm256_min_epu8(digits_b, limit), digits_b);
    // A distance of at most 16: up to 13 fraction digits, or 12 after a minus sign (the
    // rare 13th is left to the 16-byte kernel), so lane 15 is never kept.
    __m256i too_long = _mm256_cmpgt_epi64(distances, _mm256_set1_epi64x(16));
    // Digit pairs, quadruples, octets by multiply-add; the first pair (D, point) weighs (1, 0)
    // and reads as `0D`, so the 16 lanes spell 0 D F₁ … F₁₄ = (D + 0.F₁…F₁₄) × 10¹⁴.
    const __m256i pair_weights = _mm256_setr_epi8(1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                  1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    const __m256i by_hundred = _mm256_set1_epi32(100 | 1 << 16);
    const __m256i by_ten_thousand = _mm256_set1_epi32(10000 | 1 << 16);
    __m256i quads_a = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_a, pair_weights), by_hundred);
    __m256i quads_b = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_b, pair_weights), by_hundred);
    __m256i octets = _mm256_madd_epi16(_mm256_packs_epi32(quads_a, quads_b), by_ten_thousand);
    __m256i significands = _mm256_add_epi64(_mm256_mul_epu32(octets, _mm256_set1_epi64x(100000000)),
                                            _mm256_srli_epi64(octets, 32));
    // Below 10¹⁵ < 2⁵² a significand converts to Double exactly by the exponent-bias trick
    // (AVX2 has no int64 conversion).
    const __m256i two_to_52_bits = _mm256_set1_epi64x(0x4330000000000000);
    __m256d values = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(significands, two_to_52_bits)),
                                   _mm256_set1_pd(0x1p52));
    __m256d products = _mm256_mul_pd(values, _mm256_set1_pd(1e-14));
    // The 29 bits Float drops, against the midpoint pattern 0x1000_0000: from 4 below to 11
    // above, a window wider than the ± 4 that rounding needs, so that three instructions test
    // it (the numbers in the extra 7 go to the 16-byte kernel, which gives the same Float).
    __m256i near_midpoint = _mm256_cmpeq_epi64(
        _mm256_and_si256(_mm256_add_epi64(_mm256_castpd_si256(products), _mm256_set1_epi64x(4)),
                         _mm256_set1_epi64x(0x1FFFFFF0)),
        _mm256_set1_epi64x(0x10000000));
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
__attribute__((always_inline)) static inline int parse_plain_span(const uint8_t *base, const size_t *ends, float *out) {
    size_t start = ends[0] + 1, separator = ends[1];
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
    double product = (double)(int64_t)significand * ck_json_powers_of_ten[64 - (31 - point_lane) * (int)has_point];
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

/// The number spanning ends[0] + 1 ..< ends[1] (its separator) in any shape parse_number takes,
/// with whitespace before and after it, into *out; 0 when it is not exactly that (or
/// parse_number declines). Within a batch every number has the 32 bytes after its separator
/// in the buffer (TAIL_SLACK), so only a hard number is declined here.
__attribute__((noinline)) static int parse_span(const uint8_t *base, size_t count, const size_t *ends, float *out) {
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
/// neither passed nor the span parsers take (`wanted` for none), those they take parsed into
/// out.
static inline unsigned count_leading_parsed(const uint8_t *base, size_t count, const size_t *ends, float *out,
                                            unsigned passing, unsigned wanted) {
    unsigned j = 0;
    for (; j < wanted; j++) {
        if (passing >> j & 1) continue;
        if (!parse_plain_span(base, ends + j, out + j) && !parse_span(base, count, ends + j, out + j)) break;
    }
    return j;
}

/// The first `wanted` (1–4) numbers from ends[0] as parse_four takes them, as a group of four
/// padded with spans after ends[wanted] (in the buffer, and dropped): how many lead up to
/// the first that is neither of parse_four's shapes nor an exponent form, parsed into out.
__attribute__((noinline)) static unsigned parse_last_few(const uint8_t *base, size_t count, const size_t *ends,
                                                         float *out, unsigned wanted) {
    size_t padded[5];
    for (unsigned j = 0; j < 5; j++) padded[j] = ends[j <= wanted ? j : wanted];
    float values[4];
    unsigned taken = count_leading_parsed(base, count, padded, values, parse_four(base, padded, values), wanted);
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

/// The offset of the first byte at or after `p` that is not JSON whitespace.
static inline size_t skip_spaces(const uint8_t *base, size_t count, size_t p) {
    while (p < count && is_space(base[p])) p++;
    return p;
}

size_t ck_json_parse_float_row_avx2(const uint8_t *base, size_t count, size_t *position, float *out,
                                    size_t capacity, ck_json_row_stop *stop) {
    size_t p = *position;
    size_t after_comma = SIZE_MAX;
    size_t written = 0;
    size_t ends[1 + BATCH_BLOCKS * 64 + 8];
    // Set once a group of four held two numbers parse_four declines (long digits, integers,
    // whitespace after commas): the row is of another shape (rows of a body are written
    // alike), so the rest of it goes straight to the span parsers instead of trying
    // parse_four on every group first.
    int spans = 0;
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
            return written + ck_json_parse_float_row_ssse3(base, count, position, out + written, capacity - written, stop);
        }
        int closed;
        size_t listed = list_separators(base, count, p, ends, &closed);
        size_t k = 0;
        for (;;) {
            // Groups of four while they fit in the batch and in `out`: number k goes to
            // out_k[k], so the loop advances k alone.
            size_t last = listed - k < capacity - written ? listed : k + (capacity - written);
            float *out_k = out + written - k;
            size_t first = k;
            unsigned passing = 0xF;
            if (spans) {
                // Every listed number has both its separators: no groups, no tail.
                k += parse_spans(base, count, ends + k, out_k + k, last - k);
                if (k < last) passing = 0;  // number k is hard: taken one at a time below
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
                asked = spans ? 1 : 4;
                taken = spans ? 0 : count_leading_parsed(base, count, ends + k, out + written, passing, asked);
                if (__builtin_popcount(passing) <= 2) spans = 1;
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
                taken = parse_last_few(base, count, ends + k, out + written, asked);
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
            if (written == capacity) {
                *position = end;
                *stop = CK_JSON_ROW_FULL;
                return written;
            }
            size_t next = next_number_start(base, count, end);
            if (next == (size_t)-1) {
                *position = end;
                *stop = CK_JSON_ROW_END;
                return written;
            }
            if (k < listed && skip_spaces(base, count, end) == ends[k + 1]) {
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

#pragma clang attribute pop
#endif
