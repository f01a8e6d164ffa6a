// parse_four_integers of the AVX2 row kernel (json_float_row_avx2.c includes this after the
// helpers it uses): rows of integers, such as `json.dumps` of pixel values (`[121, 0, 255, …]`).
#ifndef JSON_FLOAT_ROW_AVX2_INTEGERS_H
#define JSON_FLOAT_ROW_AVX2_INTEGERS_H

/// The checks of one integer span per 128-bit lane of `chars` (the 16 bytes that end at its
/// separator): all ones in the lanes of a number that is not whitespace, then `-?D…D` up to
/// the separator (the digits a single run ending at lane 15, a minus only right before it,
/// nothing else in the span, a leading 0 alone). The digits' values (0 outside the run) into
/// *digits, all ones at a minus into *negative.
__attribute__((always_inline)) static inline __m256i integer_span_problems(__m256i chars, __m256i distance, __m256i *digits,
                                                                          __m256i *negative) {
    const __m256i iota = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m256i spaces = _mm256_setr_epi8(' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100,
                                            ' ', 100, 100, 100, 17, 100, 113, 2, 100, '\t', '\n', 112, 100, '\r', 100, 100);
    const __m256i last_lane = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1,
                                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1);
    // Lane i is in the span (its length is distance - 1) when i + distance > 16.
    __m256i in_span = _mm256_cmpgt_epi8(_mm256_add_epi8(iota, distance), _mm256_set1_epi8(16));
    __m256i values = _mm256_sub_epi8(chars, _mm256_set1_epi8('0'));
    __m256i digit = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(values, _mm256_set1_epi8(9)), values), in_span);
    __m256i minus = _mm256_and_si256(_mm256_cmpeq_epi8(chars, _mm256_set1_epi8('-')), in_span);
    __m256i space = _mm256_cmpeq_epi8(chars, _mm256_shuffle_epi8(spaces, chars));
    __m256i next_digit = _mm256_srli_si256(digit, 1);
    // Bytes of the span other than digits, a minus and whitespace.
    __m256i wrong = _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(digit, minus), space), in_span);
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

#endif
