// The exponent part of parse_four_lead_exponents (json_float_row_avx2_lead.h includes this): rows
// of `D.F…e±XX` numbers, such as Python's repr of small doubles (`9.999999747378752e-06`, which
// json.dumps writes for float32 values below 10⁻⁴), numpy's and orjson's `1e-05` and JavaScript's
// `1.5e-7`, read by the leading-digits parser with the exponent taken from the 16 bytes that end
// at each separator: its length (`e` to the separator) moves the mantissa's end, and its value
// picks the power of ten the significand is scaled by.
#ifndef JSON_FLOAT_ROW_AVX2_EXPONENTS_H
#define JSON_FLOAT_ROW_AVX2_EXPONENTS_H

/// lead_exponent_lanes[x], for an exponent part of x bytes (`e5`, `e-5`, `e21`, `e-05`, `E+38`;
/// x = 0: none) in the 16 lanes that end at the separator: first the classes each lane allows
/// (bits: 1 a digit, 2 a sign, 4 `e` or `E`; 0x80 any byte, lanes left to the mantissa's checks),
/// then the weights that sum the exponent's lanes (each a digit's value or 64 at a minus): 10 and
/// 1 on the last two, and 10 on the sign's lane of `e-05`, so that a minus adds 640. x = 1 or
/// above 4 (an `e` alone, three exponent digits) allows nothing in lane 15: the number fails.
static const uint8_t lead_exponent_lanes[17][32] __attribute__((aligned(32))) = {
#define ALLOW(x, i)                                                                                              \
    ((x) == 0 ? 0x80                                                                                             \
     : (x) == 1 || (x) > 4 ? ((i) == 15 ? 0 : 0x80)                                                              \
     : (i) < 16 - (x)      ? 0x80                                                                                \
     : (i) == 16 - (x)     ? 4                                                                                   \
     : (x) == 4 && (i) == 13 ? 2                                                                                 \
     : (x) == 3 && (i) == 14 ? 3                                                                                 \
                             : 1)
#define WEIGH(x, i) ((x) < 2 || (x) > 4 ? 0 : (i) == 15 ? 1 : (i) == 14 || ((x) == 4 && (i) == 13) ? 10 : 0)
#define ROW(x)                                                                                                   \
    {ALLOW(x, 0),  ALLOW(x, 1),  ALLOW(x, 2),  ALLOW(x, 3),  ALLOW(x, 4),  ALLOW(x, 5),  ALLOW(x, 6),            \
     ALLOW(x, 7),  ALLOW(x, 8),  ALLOW(x, 9),  ALLOW(x, 10), ALLOW(x, 11), ALLOW(x, 12), ALLOW(x, 13),           \
     ALLOW(x, 14), ALLOW(x, 15), WEIGH(x, 0),  WEIGH(x, 1),  WEIGH(x, 2),  WEIGH(x, 3),  WEIGH(x, 4),            \
     WEIGH(x, 5),  WEIGH(x, 6),  WEIGH(x, 7),  WEIGH(x, 8),  WEIGH(x, 9),  WEIGH(x, 10), WEIGH(x, 11),           \
     WEIGH(x, 12), WEIGH(x, 13), WEIGH(x, 14), WEIGH(x, 15)}
    ROW(0), ROW(1), ROW(2),  ROW(3),  ROW(4),  ROW(5),  ROW(6),  ROW(7),  ROW(8),
    ROW(9), ROW(10), ROW(11), ROW(12), ROW(13), ROW(14), ROW(15), ROW(16),
#undef ROW
#undef WEIGH
#undef ALLOW
};

/// lead_scales[e + 99] = 10^(e - 14), the Double nearest it, for an exponent e in -99…99: the
/// significand `D F₁…F₁₃ 0` of parse_four_lead read as D.F₁…F₁₃ × 10^e. Every product of one is
/// a normal Double, so the range check after it sees every out-of-range value.
static const double lead_scales[199] = {
    1e-113, 1e-112, 1e-111, 1e-110, 1e-109, 1e-108, 1e-107, 1e-106, 1e-105, 1e-104,
    1e-103, 1e-102, 1e-101, 1e-100, 1e-99, 1e-98, 1e-97, 1e-96, 1e-95, 1e-94,
    1e-93, 1e-92, 1e-91, 1e-90, 1e-89, 1e-88, 1e-87, 1e-86, 1e-85, 1e-84,
    1e-83, 1e-82, 1e-81, 1e-80, 1e-79, 1e-78, 1e-77, 1e-76, 1e-75, 1e-74,
    1e-73, 1e-72, 1e-71, 1e-70, 1e-69, 1e-68, 1e-67, 1e-66, 1e-65, 1e-64,
    1e-63, 1e-62, 1e-61, 1e-60, 1e-59, 1e-58, 1e-57, 1e-56, 1e-55, 1e-54,
    1e-53, 1e-52, 1e-51, 1e-50, 1e-49, 1e-48, 1e-47, 1e-46, 1e-45, 1e-44,
    1e-43, 1e-42, 1e-41, 1e-40, 1e-39, 1e-38, 1e-37, 1e-36, 1e-35, 1e-34,
    1e-33, 1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24,
    1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14,
    1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
    1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26,
    1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36,
    1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46,
    1e47, 1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56,
    1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64, 1e65, 1e66,
    1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76,
    1e77, 1e78, 1e79, 1e80, 1e81, 1e82, 1e83, 1e84, 1e85
};

/// The exponent part's length in bytes (`e` to the separator; 0 for none) of each number of a
/// group whose separators' 16-byte windows are `last_a` (numbers 0 and 2) and `last_b` (1 and 3),
/// into x[0…3]: from the first `e` or `E` in the number's own span (not one of the number before).
__attribute__((always_inline)) static inline void lead_exponent_lengths(__m256i last_a, __m256i last_b, const size_t *ends,
                                                                       unsigned x[4]) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i lower_e = _mm256_set1_epi8('e'), case_bit = _mm256_set1_epi8(0x20), sixteen = _mm256_set1_epi8(16);
    __m256i distance_a, distance_b;
    span_distances(ends, &distance_a, &distance_b);
    // Lane i is in the span (its length is distance - 1) when i + distance > 16.
    __m256i in_span_a = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance_a), sixteen);
    __m256i in_span_b = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance_b), sixteen);
    uint32_t e_a = (uint32_t)_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(last_a, case_bit), lower_e), in_span_a));
    uint32_t e_b = (uint32_t)_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(last_b, case_bit), lower_e), in_span_b));
    // The first `e` of each half, or lane 16 (x = 0) for none; number 0's bits come first.
    x[0] = 16 - _tzcnt_u32(e_a | 0x10000);
    x[1] = 16 - _tzcnt_u32(e_b | 0x10000);
    x[2] = 16 - _tzcnt_u32((e_a >> 16) | 0x10000);
    x[3] = 16 - _tzcnt_u32((e_b >> 16) | 0x10000);
}

/// The powers of ten that scale the four numbers' significands (lead_scales, in order), from
/// their separators' windows `last_a`, `last_b` and exponent lengths x[0…3]; all ones in
/// *wrong_a/b where an exponent lane is not what lead_exponent_lanes allows (numbers 0 and 2 in
/// a's 128-bit lanes, 1 and 3 in b's).
__attribute__((always_inline)) static inline __m256d lead_exponent_scales(__m256i last_a, __m256i last_b,
                                                                         const unsigned x[4], __m256i *wrong_a,
                                                                         __m256i *wrong_b) {
    const __m256i zero_char = _mm256_set1_epi8('0'), nine = _mm256_set1_epi8(9), minus_char = _mm256_set1_epi8('-');
    const __m256i plus_char = _mm256_set1_epi8('+'), case_bit = _mm256_set1_epi8(0x20), lower_e = _mm256_set1_epi8('e');
    const __m256i one = _mm256_set1_epi8(1), two = _mm256_set1_epi8(2), four = _mm256_set1_epi8(4);
    const __m256i any = _mm256_set1_epi8((char)0x80), minus_value = _mm256_set1_epi8(64);
    __m256i lanes[2];
    __m256i sums[2];
    const __m256i last[2] = {last_a, last_b};
    for (int r = 0; r < 2; r++) {
        // Register r holds numbers r and r + 2.
        const uint8_t *low = lead_exponent_lanes[x[r]], *high = lead_exponent_lanes[x[r + 2]];
        __m256i allowed = load_pair(low, high), weights = load_pair(low + 16, high + 16);
        __m256i values = _mm256_sub_epi8(last[r], zero_char);
        __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(values, nine), values);
        __m256i minus = _mm256_cmpeq_epi8(last[r], minus_char);
        __m256i sign = _mm256_or_si256(minus, _mm256_cmpeq_epi8(last[r], plus_char));
        __m256i e = _mm256_cmpeq_epi8(_mm256_or_si256(last[r], case_bit), lower_e);
        __m256i classes = _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(digit, one), _mm256_and_si256(sign, two)),
                                          _mm256_or_si256(_mm256_and_si256(e, four), any));
        lanes[r] = _mm256_cmpeq_epi8(_mm256_and_si256(classes, allowed), _mm256_setzero_si256());
        __m256i terms = _mm256_or_si256(_mm256_and_si256(values, digit), _mm256_and_si256(minus, minus_value));
        // Lanes 12–15 summed into the top 32 bits of each 128-bit lane.
        sums[r] = _mm256_madd_epi16(_mm256_maddubs_epi16(terms, weights), _mm256_set1_epi16(1));
    }
    *wrong_a = lanes[0];
    *wrong_b = lanes[1];
    // Numbers 0…3 in order, each its sum (a minus counted as 640), then its signed exponent.
    __m256i sum = _mm256_srli_epi64(_mm256_unpackhi_epi64(sums[0], sums[1]), 32);
    __m256i negative = _mm256_cmpgt_epi64(sum, _mm256_set1_epi64x(639));
    __m256i magnitude = _mm256_sub_epi64(sum, _mm256_and_si256(negative, _mm256_set1_epi64x(640)));
    __m256i exponent = _mm256_sub_epi64(_mm256_xor_si256(magnitude, negative), negative);
    // Lanes a number fails on (`e999`, `e--9`) can sum past ±99: clamped, so that the gather
    // stays in the table (32-bit clamps keep these small 64-bit values, high halves 0 or -1).
    exponent = _mm256_max_epi32(_mm256_min_epi32(exponent, _mm256_set1_epi64x(99)), _mm256_set1_epi64x(-99));
    return _mm256_i64gather_pd(lead_scales + 99, exponent, 8);
}

/// All ones in the lanes of the four (positive) products that are not 0 or a normal Float:
/// below 2⁻¹²⁶ or above the largest Float (some just above it would round down to it; the
/// exact parser sorts those out).
static inline __m256i outside_float_range(__m256d products, __m256i significands) {
    __m256i bits = _mm256_castpd_si256(products);
    __m256i tiny = _mm256_andnot_si256(_mm256_cmpeq_epi64(significands, _mm256_setzero_si256()),
                                       _mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3810000000000000), bits));
    return _mm256_or_si256(tiny, _mm256_cmpgt_epi64(bits, _mm256_set1_epi64x(0x47EFFFFFE0000000)));
}

#endif
