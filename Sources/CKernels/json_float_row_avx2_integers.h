// The integer parsers of the AVX2 row kernel (json_float_row_avx2.c includes this after the
// helpers it uses): rows of integers, such as `json.dumps` of pixel values (`[121, 0, 255, …]`),
// eight at a time while they are at most 8 bytes with their whitespace (parse_eight_integers),
// else four at a time (parse_four_integers, up to 15 bytes).
#ifndef JSON_FLOAT_ROW_AVX2_INTEGERS_H
#define JSON_FLOAT_ROW_AVX2_INTEGERS_H

/// The byte classes of integer spans in `chars`: the bytes less '0' into *values, all ones at
/// the digits and minuses within `in_span` into *digit and *minus; returns all ones at the span's
/// bytes that are none of those nor JSON whitespace (simdjson's table: a byte is whitespace exactly
/// when it equals the entry its low nibble selects).
__attribute__((always_inline)) static inline __m256i integer_byte_classes(__m256i chars, __m256i in_span, __m256i *values,
                                                                         __m256i *digit, __m256i *minus) {
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    *values = _mm256_sub_epi8(chars, _mm256_set1_epi8('0'));
    *digit = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(*values, _mm256_set1_epi8(9)), *values), in_span);
    *minus = _mm256_and_si256(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('-')), in_span);
    __m256i space = _mm256_cmpeq_epi8(chars, _mm256_shuffle_epi8(spaces, chars));
    return _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(*digit, *minus), space), in_span);
}

/// The checks of one integer span per 128-bit lane of `chars` (the 16 bytes that end at its
/// separator): all ones in the lanes of a number that is not whitespace, then `-?D…D` up to
/// the separator (the digits a single run ending at lane 15, a minus only right before it,
/// nothing else in the span, a leading 0 alone). The digits' values (0 outside the run) into
/// *digits, all ones at a minus into *negative.
__attribute__((always_inline)) static inline __m256i integer_span_problems(__m256i chars, __m256i distance, __m256i *digits,
                                                                          __m256i *negative) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i last_lane = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1,
                                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1);
    // Lane i is in the span (its length is distance - 1) when i + distance > 16.
    __m256i in_span = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance), _mm256_set1_epi8(16));
    __m256i values, digit, minus;
    // Bytes of the span other than digits, a minus and whitespace.
    __m256i wrong = integer_byte_classes(chars, in_span, &values, &digit, &minus);
    __m256i next_digit = _mm256_srli_si256(digit, 1);
    // The digits run up to the separator without a break (so lane 15 is one), and a minus
    // has a digit after it.
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(next_digit, _mm256_andnot_si256(last_lane, digit)));
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(digit, last_lane));
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(next_digit, minus));
    // A leading 0 alone (RFC 8259 §6): the run's first digit is a 0 with a digit after it.
    __m256i first_digit = _mm256_andnot_si256(_mm256_slli_si256(digit, 1), digit);
    wrong = _mm256_or_si256(wrong, _mm256_and_si256(_mm256_and_si256(first_digit, next_digit),
                                                    _mm256_cmpeq_epi8(chars, _mm256_set1_epi8('0'))));
    *digits = _mm256_and_si256(values, digit);
    *negative = minus;
    return wrong;
}

/// Numbers k…k+3 whose spans are whitespace, then `-?D…D` (at most 15 bytes in all) up to the
/// separator, four at a time like parse_four_short (out[0…3] all stored; which passed, bit j
/// for number k + j), each from the 16 bytes that end at its separator, where its last digit
/// has lane 15. At most 15 digits: the integer is an exact Double, so one conversion rounds
/// it to the nearest Float with no midpoint to check.
__attribute__((always_inline)) static inline unsigned parse_four_integers(const uint8_t *base, const size_t *ends,
                                                                         float *out) {
    // The loads reach 16 bytes back from each separator, and the first separator comes first.
    if (ends[1] < 16) return 0;
    __m256i chars_a, chars_b;
    load_before_separators(base, ends, 16, &chars_a, &chars_b);
    __m256i distance_a, distance_b;
    __m256i distances = span_distances(ends, &distance_a, &distance_b);
    __m256i digits_a, digits_b, negative_a, negative_b;
    __m256i wrong_a = integer_span_problems(chars_a, distance_a, &digits_a, &negative_a);
    __m256i wrong_b = integer_span_problems(chars_b, distance_b, &digits_b, &negative_b);
    // Spans of 1–15 bytes (distance 2–16).
    __m256i bad_length = _mm256_or_si256(_mm256_cmpgt_epi64(distances, _mm256_set1_epi64x(16)),
                                         _mm256_cmpgt_epi64(_mm256_set1_epi64x(2), distances));
    __m256d values = small_significands_as_doubles(sixteen_lane_significands(digits_a, digits_b, _mm256_set1_epi16(10 | 1 << 8)));
    __m256i negative = _mm256_unpacklo_epi64(any_per_lane(negative_a), any_per_lane(negative_b));
    __m256d signed_values = _mm256_or_pd(values, _mm256_castsi256_pd(_mm256_slli_epi64(negative, 63)));
    _mm_storeu_ps(out, _mm256_cvtpd_ps(signed_values));
    __m256i wrong = _mm256_unpacklo_epi64(any_per_lane(wrong_a), any_per_lane(wrong_b));
    return ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_or_si256(wrong, bad_length))) & 0xF;
}

/// The 8 bytes that end at the separators ends[1…8], in the layout of parse_eight_integers:
/// numbers 0, 1, 4, 5 in *a and 2, 3, 6, 7 in *b (64-bit lanes), so that one pack of the two
/// puts their values in order.
static inline void load_eight_words(const uint8_t *base, const size_t *ends, __m256i *a, __m256i *b) {
    const uint8_t *before = base - 8;
#define WORDS(i, j)                                                                                               \
    _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(_mm_loadl_epi64((const __m128i *)(before + ends[i]))), \
                                  (const double *)(before + ends[j])))
    *a = _mm256_inserti128_si256(_mm256_castsi128_si256(WORDS(1, 2)), WORDS(5, 6), 1);
    *b = _mm256_inserti128_si256(_mm256_castsi128_si256(WORDS(3, 4)), WORDS(7, 8), 1);
#undef WORDS
}

/// The checks of one integer span per 64-bit lane of `chars` (the 8 bytes that end at its
/// separator; `distance` its length + 1 in the lane): all ones in the lanes whose span is not
/// whitespace, then `-?D…D` up to the separator in at most 8 bytes (one run of digits ending at
/// byte 7, a minus only right before it, nothing else, a leading 0 alone), as
/// integer_span_problems checks 16 bytes. The digits' values (0 elsewhere) into *digits, all
/// ones in the lanes without a minus into *positive.
__attribute__((always_inline)) static inline __m256i short_integer_problems(__m256i chars, __m256i distance,
                                                                           __m256i *digits, __m256i *positive) {
    const __m256i last_byte = _mm256_set1_epi64x((long long)0xFF00000000000000ull);
    // The span is the lane's last distance - 1 bytes: ~0 << 8·(9 - distance), none when that is
    // not in 0…63 (an empty span, or one longer than 8 bytes: both then fail the digit at byte 7).
    __m256i in_span = _mm256_sllv_epi64(_mm256_set1_epi8(-1),
                                        _mm256_sub_epi64(_mm256_set1_epi64x(72), _mm256_slli_epi64(distance, 3)));
    __m256i values, digit, minus;
    // Bytes of the span other than digits, a minus and whitespace.
    __m256i wrong = integer_byte_classes(chars, in_span, &values, &digit, &minus);
    __m256i next_digit = _mm256_srli_epi64(digit, 8);
    // The digits end exactly once, at byte 7: one run up to the separator (whitespace or a minus
    // after a digit ends a run early).
    wrong = _mm256_or_si256(wrong, _mm256_xor_si256(_mm256_andnot_si256(next_digit, digit), last_byte));
    // A minus has a digit right after it.
    wrong = _mm256_or_si256(wrong, _mm256_andnot_si256(next_digit, minus));
    // A leading 0 alone (RFC 8259 §6): the run's first digit is a 0 with a digit after it.
    __m256i first_digit = _mm256_andnot_si256(_mm256_slli_epi64(digit, 8), digit);
    wrong = _mm256_or_si256(wrong, _mm256_and_si256(_mm256_and_si256(first_digit, next_digit),
                                                    _mm256_cmpeq_epi8(values, _mm256_setzero_si256())));
    *digits = _mm256_and_si256(values, digit);
    *positive = _mm256_cmpeq_epi64(minus, _mm256_setzero_si256());
    return wrong;
}

/// Numbers k…k+7 whose spans are whitespace, then `-?D…D`, at most 8 bytes in all, up to the
/// separator (pixel values after `,` or `, `), eight at a time: out[0…7] all stored, and which
/// passed (bit j for number k + j; 0xFF for all). Each from the 8 bytes that end at its
/// separator, four to a register; the digits summed by multiply-add (pairs, quadruples, then
/// the two quadruples of each number after one pack of both registers) into 32-bit lanes in
/// order. At most 8 digits: the integer is exact in 32 bits, and its conversion (cvtdq2ps,
/// round to nearest even) is the correctly rounded Float; the sign is set after it, so `-0`
/// gives -0.0.
__attribute__((always_inline)) static inline unsigned parse_eight_integers(const uint8_t *base, const size_t *ends,
                                                                          float *out) {
    __m256i chars_a, chars_b;
    load_eight_words(base, ends, &chars_a, &chars_b);
    // ends[1…8] - ends[0…7] in order, then in the registers' layout.
    __m256i low = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 1)),
                                   _mm256_loadu_si256((const __m256i *)ends));
    __m256i high = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(ends + 5)),
                                    _mm256_loadu_si256((const __m256i *)(ends + 4)));
    __m256i distance_a = _mm256_permute2x128_si256(low, high, 0x20);
    __m256i distance_b = _mm256_permute2x128_si256(low, high, 0x31);
    __m256i digits_a, digits_b, positive_a, positive_b;
    __m256i wrong_a = short_integer_problems(chars_a, distance_a, &digits_a, &positive_a);
    __m256i wrong_b = short_integer_problems(chars_b, distance_b, &digits_b, &positive_b);
    const __m256i pair_weights = _mm256_set1_epi16(10 | 1 << 8);
    const __m256i by_hundred = _mm256_set1_epi32(100 | 1 << 16);
    __m256i quads_a = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_a, pair_weights), by_hundred);
    __m256i quads_b = _mm256_madd_epi16(_mm256_maddubs_epi16(digits_b, pair_weights), by_hundred);
    // Quadruples below 10⁴ pack to 16 bits unchanged: numbers 0–3 in the low half, 4–7 in the high.
    __m256i values = _mm256_madd_epi16(_mm256_packs_epi32(quads_a, quads_b), _mm256_set1_epi32(10000 | 1 << 16));
    __m256i positive = _mm256_packs_epi32(positive_a, positive_b);
    __m256 floats = _mm256_or_ps(_mm256_cvtepi32_ps(values),
                                 _mm256_castsi256_ps(_mm256_andnot_si256(positive, _mm256_set1_epi32((int)0x80000000u))));
    _mm256_storeu_ps(out, floats);
    __m256i right = _mm256_packs_epi32(_mm256_cmpeq_epi64(wrong_a, _mm256_setzero_si256()),
                                       _mm256_cmpeq_epi64(wrong_b, _mm256_setzero_si256()));
    return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(right));
}

#endif
