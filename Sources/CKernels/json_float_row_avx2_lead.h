// parse_four_lead of the AVX2 row kernel (json_float_row_avx2.c includes this after the
// helpers it uses): rows of `D.F…` numbers of any length, such as Python's `json.dumps` of
// float32 rows (`, -0.13210485875606537`), read from their leading digits only.
//
// A Float has 24 bits, about 7 decimal digits, so the 14 digits after a number's first byte
// decide its Float unless the value lies very close to a Float midpoint: the digits cut off
// add less than 10⁻¹¹ of the value (the kept significand is at least 10¹² when any are cut),
// which is under 2¹⁷ Double ulps; a Double product whose 29 dropped bits are farther than that
// from the midpoint pattern rounds to the same Float as the exact value, as in nearest_float
// (whose bound, three roundings, this one contains). Numbers within the window, about one in
// 2000, go to the exact general parser. Values in 0.0001…0.01 keep fewer significant digits
// and are checked against wider windows (lead_rounding_unsure): one in 500 or one in 16 of
// them go to the exact parser.
#ifndef JSON_FLOAT_ROW_AVX2_LEAD_H
#define JSON_FLOAT_ROW_AVX2_LEAD_H
#include "json_float_row_avx2_exponents.h"

/// lead_lanes[d], for a number whose token (sign excluded) ends d bytes after the byte before
/// it (its length + 1, the distance from where its 16 lanes are loaded to its separator), in 16
/// lanes from its first byte and in the 16 lanes that end at its separator: the token lanes to
/// check and convert (the first 15 bytes at most: lane 15 holds the zero that the byte shift
/// brought in), then the lanes of its bytes past the first 15 (digits, checked only). A length
/// the shape cannot have (0, `D.` alone, more than 31 bytes) keeps all 16 lanes, so that the
/// zero in lane 15 fails the digit check; so do tokens of 30 and 31 bytes (d = 31, 32), whose
/// tail would reach lane 1, where `offset` reads a point as a digit (a second point there,
/// `4.4911384582519.56777626015537e-13`, passed): no client writes them, and the exact parser
/// takes them; so does d = 0, which a token starting one past its separator gives, and d = 41…63,
/// which tokens starting further past it give (their negative distance's low 6 bits).
static const uint8_t lead_lanes[64][32] __attribute__((aligned(32))) = {
#define KEEP(d, i) ((d) <= 1 || (d) == 3 || (d) > 30 ? 0xFF : (i) < ((d) < 16 ? (d) - 1 : 15) ? 0xFF : 0)
#define TAIL(d, i) ((d) >= 17 && (d) <= 30 && (i) >= 32 - (d) ? 0xFF : 0)
#define ROW(n)                                                                                                      \
    {KEEP(n, 0),  KEEP(n, 1),  KEEP(n, 2),  KEEP(n, 3),  KEEP(n, 4),  KEEP(n, 5),  KEEP(n, 6),  KEEP(n, 7),        \
     KEEP(n, 8),  KEEP(n, 9),  KEEP(n, 10), KEEP(n, 11), KEEP(n, 12), KEEP(n, 13), KEEP(n, 14), KEEP(n, 15),       \
     TAIL(n, 0),  TAIL(n, 1),  TAIL(n, 2),  TAIL(n, 3),  TAIL(n, 4),  TAIL(n, 5),  TAIL(n, 6),  TAIL(n, 7),        \
     TAIL(n, 8),  TAIL(n, 9),  TAIL(n, 10), TAIL(n, 11), TAIL(n, 12), TAIL(n, 13), TAIL(n, 14), TAIL(n, 15)}
#define ROW8(n) ROW(n), ROW(n + 1), ROW(n + 2), ROW(n + 3), ROW(n + 4), ROW(n + 5), ROW(n + 6), ROW(n + 7)
    ROW8(0), ROW8(8), ROW8(16), ROW8(24), ROW8(32), ROW8(40), ROW8(48), ROW8(56),
#undef ROW8
#undef ROW
#undef TAIL
#undef KEEP
};

/// The byte before number j's token (its first digit), from its separator before and the mask
/// of whitespace and minus lanes of the 16 bytes after that (bits 16·half …, bit 15 of each
/// half clear): the token starts at the first other lane, at most 15.
static inline size_t lead_token_start(size_t separator_before, uint32_t skip_mask, unsigned half) {
    return separator_before + _tzcnt_u32(~skip_mask >> (16 * half));
}

/// Of parse_four_lead's four numbers (64-bit lanes), all ones where the Double product cannot
/// settle the rounding: within 2¹⁷ ulps of a Float midpoint (`near_midpoint`) or, where digits
/// were cut (`cut`) from a significand below 10¹² (a value below 0.01), within the wider window
/// the cut needs. Cut digits add less than 10 to the significand, a relative error below
/// 10/significand: below 10⁻¹⁰ from 10¹¹ on (within 2²⁰ ulps, at least 1.16·10⁻¹⁰ of the
/// value), below 10⁻⁹ from 10¹⁰ on (2²⁴ ulps, at least 1.86·10⁻⁹); below 10¹⁰ (a value below
/// 0.0001) always. Only on the rare path: the common one declines all cut significands below
/// 10¹², and this sorts out which of them really need the exact parser.
static inline __m256i lead_rounding_unsure(__m256d products, __m256i significands, __m256i cut, __m256i near_midpoint) {
    __m256i small = _mm256_and_si256(cut, _mm256_cmpgt_epi64(_mm256_set1_epi64x(1000000000000), significands));
    __m256i below_11 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(100000000000), significands);
    __m256i below_10 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(10000000000), significands);
    __m256i bits = _mm256_castpd_si256(products), midpoint = _mm256_set1_epi64x(0x10000000);
    __m256i near_2_20 = _mm256_cmpeq_epi64(
        _mm256_and_si256(_mm256_add_epi64(bits, _mm256_set1_epi64x(0x100000)), _mm256_set1_epi64x(0x1FE00000)), midpoint);
    __m256i near_2_24 = _mm256_cmpeq_epi64(
        _mm256_and_si256(_mm256_add_epi64(bits, _mm256_set1_epi64x(0x1000000)), _mm256_set1_epi64x(0x1E000000)), midpoint);
    __m256i wide = _mm256_or_si256(below_10, _mm256_blendv_epi8(near_2_20, near_2_24, below_11));
    return _mm256_blendv_epi8(near_midpoint, wide, small);
}

/// Numbers k…k+3 whose spans are whitespace, then `-?D` or `-?D.F…` (one integer digit, any
/// number of fraction digits up to a 29-byte token) running exactly up to the separator, four
/// at a time like parse_four (out[0…3] all stored; which passed, bit j for number k + j).
///
/// Per number, the whitespace before it is counted from one 16-byte load (a scalar bit scan
/// gives the token's address), then 16 bytes from the byte before its first digit give the
/// sign and, shifted down a byte, the digits `D.F₁…F₁₃` at the fixed lanes of parse_four; the
/// token's bytes past those are only checked to be digits, in the 16 bytes that end at its
/// separator. The significand (D F₁…F₁₃ 0) is exact as a Double, times 10⁻¹⁴, then rounded to
/// Float unless within the file comment's window of a midpoint.
///
/// With `exponents` (a constant) each token may end in an exponent part (`e-05`, `E+2`, `e-7`),
/// found in the 4 bytes that end at the separator (json_float_row_avx2_exponents.h): the
/// mantissa then ends where it begins, and the significand is scaled by 10^(exponent - 14);
/// results outside the normal Float range go to the exact parser.
__attribute__((always_inline)) static inline unsigned parse_four_lead_with(const uint8_t *base, const size_t *ends,
                                                                          float *out, const int exponents) {
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    const __m256i minus_char = _mm256_set1_epi8('-');
    __m256i lead_a = load_pair(base + ends[0] + 1, base + ends[2] + 1);
    __m256i lead_b = load_pair(base + ends[1] + 1, base + ends[3] + 1);
    __m256i minus_a = _mm256_cmpeq_epi8(lead_a, minus_char), minus_b = _mm256_cmpeq_epi8(lead_b, minus_char);
    // Lane 15 never counts as skipped, so that a token starts at lane 15 at the latest: one
    // that really starts later (or a minus at lane 14 followed by whitespace) then has no digit
    // there and fails the digit check.
    const __m256i before_last = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0,
                                                 -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0);
    __m256i skip_a = _mm256_and_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(lead_a, _mm256_shuffle_epi8(spaces, lead_a)), minus_a), before_last);
    __m256i skip_b = _mm256_and_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(lead_b, _mm256_shuffle_epi8(spaces, lead_b)), minus_b), before_last);
    uint32_t skip_mask_a = (uint32_t)_mm256_movemask_epi8(skip_a), skip_mask_b = (uint32_t)_mm256_movemask_epi8(skip_b);
    // Each token's address less one (where its lanes are loaded from) and its distance to its
    // separator; one past the separator gives 0 or wraps to a huge distance, both impossible.
    size_t before[4] = {
        lead_token_start(ends[0], skip_mask_a, 0), lead_token_start(ends[1], skip_mask_b, 0),
        lead_token_start(ends[2], skip_mask_a, 1), lead_token_start(ends[3], skip_mask_b, 1)};
    // The exponent parts' lengths, and the mantissas' ends that many bytes before the separators
    // (at most 4 back, so that the loads below stay 20 bytes from the first separator).
    __m128i tails = _mm_setzero_si128(), marks = _mm_setzero_si128();
    size_t mantissa_end[4] = {ends[1], ends[2], ends[3], ends[4]};
    if (exponents) {
        tails = lead_exponent_tails(base, ends);
        marks = lead_exponent_marks(tails);
        _mm256_storeu_si256((__m256i *)mantissa_end,
                            _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 1)), lead_exponent_lengths(marks)));
    }
    // The table row by the distance's low 6 bits, without a clamp a number: spans of at most 63
    // bytes (checked below, four at once) give distances up to 63, and the negative ones of
    // tokens starting past their end (whitespace alone, an exponent longer than the span) wrap
    // to rows 41–63, which keep all 16 lanes and fail.
    const uint8_t *lanes[4];
    for (int j = 0; j < 4; j++) lanes[j] = lead_lanes[(mantissa_end[j] - before[j]) & 63];
    __m256i too_long = _mm256_cmpgt_epi64(_mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 1)),
                                                           _mm256_loadu_si256((const __m256i *)ends)),
                                          _mm256_set1_epi64x(63));
    // A minus is followed by the token's first digit, not by more whitespace or minus.
    __m256i stray_minus = _mm256_or_si256(_mm256_and_si256(minus_a, _mm256_srli_si256(skip_a, 1)),
                                          _mm256_and_si256(minus_b, _mm256_srli_si256(skip_b, 1)));
    __m256i raw_a = load_pair(base + before[0], base + before[2]);
    __m256i raw_b = load_pair(base + before[1], base + before[3]);
    __m256i keep_a = load_pair(lanes[0], lanes[2]), keep_b = load_pair(lanes[1], lanes[3]);
    __m256i tail_a = load_pair(lanes[0] + 16, lanes[2] + 16), tail_b = load_pair(lanes[1] + 16, lanes[3] + 16);
    __m256i end_a = load_pair(base + mantissa_end[0] - 16, base + mantissa_end[2] - 16);
    __m256i end_b = load_pair(base + mantissa_end[1] - 16, base + mantissa_end[3] - 16);
    // Lane 1 minus '.', the others minus '0': valid lanes are then at most their limit.
    const __m256i offset = _mm256_setr_epi8('0', '.', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0',
                                            '0', '.', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0');
    const __m256i limit = _mm256_setr_epi8(9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                           9, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
    const __m256i nine = _mm256_set1_epi8(9);
    // The tail's digits less `offset` too, one constant fewer: its lanes 0 and 1 are never kept
    // (lead_lanes), so the point's offset in lane 1 meets no tail digit.
    __m256i digits_a = _mm256_and_si256(_mm256_sub_epi8(_mm256_srli_si256(raw_a, 1), offset), keep_a);
    __m256i digits_b = _mm256_and_si256(_mm256_sub_epi8(_mm256_srli_si256(raw_b, 1), offset), keep_b);
    __m256i tail_values_a = _mm256_and_si256(_mm256_sub_epi8(end_a, offset), tail_a);
    __m256i tail_values_b = _mm256_and_si256(_mm256_sub_epi8(end_b, offset), tail_b);
    // The token's lanes and its tail's checked at once, each lane at the larger of the two
    // (all the tail's lanes are digits, limit 9; nine is the rare path's).
    __m256i larger_a = _mm256_max_epu8(digits_a, tail_values_a), larger_b = _mm256_max_epu8(digits_b, tail_values_b);
    __m256i valid = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(larger_a, limit), larger_a),
                                     _mm256_cmpeq_epi8(_mm256_min_epu8(larger_b, limit), larger_b));
    // The first pair (D, point) weighs (1, 0): the lanes spell 0 D F₁ … F₁₃ 0.
    const __m256i pair_weights = _mm256_setr_epi8(1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                  1, 0, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
    __m256i significands = sixteen_lane_significands(digits_a, digits_b, pair_weights);
    __m256i exponent_wrong = _mm256_setzero_si256();
    __m256d scales = exponents ? lead_exponent_scales(tails, marks, &exponent_wrong) : _mm256_set1_pd(1e-14);
    __m256d products = _mm256_mul_pd(small_significands_as_doubles(significands), scales);
    // Cut digits (a tail lane kept) need a significand of at least 10¹² for what they add to
    // stay inside this window; smaller ones (values in 0.0001…0.01) take the rare path, where
    // lead_rounding_unsure checks them against a window as wide as their cut.
    const __m256i last_lane = _mm256_set1_epi8(15);
    __m256i cut = _mm256_unpacklo_epi64(_mm256_shuffle_epi8(tail_a, last_lane), _mm256_shuffle_epi8(tail_b, last_lane));
    __m256i too_few_kept = _mm256_and_si256(cut, _mm256_cmpgt_epi64(_mm256_set1_epi64x(1000000000000), significands));
    // The 29 bits Float drops within 2¹⁷ of the midpoint pattern 0x1000_0000.
    __m256i near_midpoint = _mm256_cmpeq_epi64(
        _mm256_and_si256(_mm256_add_epi64(_mm256_castpd_si256(products), _mm256_set1_epi64x(0x20000)),
                         _mm256_set1_epi64x(0x1FFC0000)),
        _mm256_set1_epi64x(0x10000000));
    // The sign: lane 0, the byte before the first digit, is its minus if it has one.
    __m256i negative = _mm256_unpacklo_epi64(_mm256_shuffle_epi8(_mm256_cmpeq_epi8(raw_a, minus_char), _mm256_setzero_si256()),
                                             _mm256_shuffle_epi8(_mm256_cmpeq_epi8(raw_b, minus_char), _mm256_setzero_si256()));
    __m256d signed_products = _mm256_or_pd(products, _mm256_castsi256_pd(_mm256_slli_epi64(negative, 63)));
    _mm_storeu_ps(out, _mm256_cvtpd_ps(signed_products));
    __m256i wrong = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(too_few_kept, too_long), near_midpoint),
                                    _mm256_or_si256(stray_minus, _mm256_xor_si256(valid, _mm256_set1_epi8(-1))));
    if (exponents) wrong = _mm256_or_si256(wrong, exponent_wrong);
    if (__builtin_expect(_mm256_testz_si256(wrong, wrong), 1)) return 0xF;
    // Which ones failed: rare, so no hurry. valid's 128-bit lanes hold numbers 0 and 2 of a
    // and 1 and 3 of b mixed, so each number's checks are redone from their own registers.
    unsigned failed = (unsigned)_mm256_movemask_pd(
        _mm256_castsi256_pd(_mm256_or_si256(lead_rounding_unsure(products, significands, cut, near_midpoint),
                                            _mm256_or_si256(exponent_wrong, too_long))));
    __m256i bad_a = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(minus_a, _mm256_srli_si256(skip_a, 1)),
                        _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(digits_a, limit), digits_a), _mm256_set1_epi8(-1))),
        _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(tail_values_a, nine), tail_values_a), _mm256_set1_epi8(-1)));
    __m256i bad_b = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(minus_b, _mm256_srli_si256(skip_b, 1)),
                        _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(digits_b, limit), digits_b), _mm256_set1_epi8(-1))),
        _mm256_xor_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(tail_values_b, nine), tail_values_b), _mm256_set1_epi8(-1)));
    uint32_t bad_mask_a = (uint32_t)_mm256_movemask_epi8(bad_a), bad_mask_b = (uint32_t)_mm256_movemask_epi8(bad_b);
    failed |= ((bad_mask_a & 0xFFFF) != 0) | ((bad_mask_b & 0xFFFF) != 0) << 1 | ((bad_mask_a >> 16) != 0) << 2 |
              ((bad_mask_b >> 16) != 0) << 3;
    return ~failed & 0xF;
}

/// parse_four_lead_with numbers without exponents, the loads unchecked (parse_groups checks them
/// once a batch).
__attribute__((always_inline)) static inline unsigned parse_four_lead_unchecked(const uint8_t *base, const size_t *ends,
                                                                               float *out) {
    return parse_four_lead_with(base, ends, out, 0);
}

/// parse_four_lead_with numbers with or without exponents, the loads unchecked.
__attribute__((always_inline)) static inline unsigned parse_four_lead_exponents_unchecked(const uint8_t *base,
                                                                                         const size_t *ends, float *out) {
    return parse_four_lead_with(base, ends, out, 1);
}

/// The first separator from which parse_four_lead_with's loads, which reach 16 bytes back from
/// each separator (20 with exponents: the mantissa's end up to 4 bytes before it), stay in the buffer.
enum { LEAD_FIRST_SEPARATOR = 16, LEAD_EXPONENTS_FIRST_SEPARATOR = 20 };

/// parse_four_lead_unchecked where its loads stay in the buffer; else none passed.
__attribute__((always_inline)) static inline unsigned parse_four_lead(const uint8_t *base, const size_t *ends, float *out) {
    return ends[1] < LEAD_FIRST_SEPARATOR ? 0 : parse_four_lead_unchecked(base, ends, out);
}

/// parse_four_lead_exponents_unchecked where its loads stay in the buffer; else none passed.
__attribute__((always_inline)) static inline unsigned parse_four_lead_exponents(const uint8_t *base, const size_t *ends,
                                                                               float *out) {
    return ends[1] < LEAD_EXPONENTS_FIRST_SEPARATOR ? 0 : parse_four_lead_exponents_unchecked(base, ends, out);
}

#endif
