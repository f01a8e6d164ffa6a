// The exponent part of parse_four_lead_exponents (json_float_row_avx2_lead.h includes this): rows
// of `D.F…e±XX` numbers, such as Python's repr of small doubles (`9.999999747378752e-06`, which
// json.dumps writes for float32 values below 10⁻⁴), numpy's and orjson's `1e-05` and JavaScript's
// `1.5e-7`, read by the leading-digits parser with the exponent taken from the 4 bytes that end
// at each separator (an exponent part the kernel takes is at most 4 bytes: `e5` … `e-05`): its
// length (`e` to the separator) moves the mantissa's end, and its value picks the power of ten
// the significand is scaled by. The four numbers' 4 bytes share one 128-bit register, one
// number a 32-bit lane, so that each check is one instruction for the group (a 16-byte window
// a number, two registers and a table row each, cost about 20 instructions a number more).
#ifndef JSON_FLOAT_ROW_AVX2_EXPONENTS_H
#define JSON_FLOAT_ROW_AVX2_EXPONENTS_H

/// lead_scales[e + 99] = 10^(e - 14), the Double nearest it, for an exponent e in -99…99: the
/// significand `D F₁…F₁₃ 0` of parse_four_lead read as D.F₁…F₁₃ × 10^e (only -23…37 are used:
/// lead_exponent_scales).
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

/// The 4 bytes that end at each of the group's four separators, number j in 32-bit lane j.
__attribute__((always_inline)) static inline __m128i lead_exponent_tails(const uint8_t *base, const size_t *ends) {
    uint32_t tails[4];
    for (int j = 0; j < 4; j++) memcpy(&tails[j], base + ends[j + 1] - 4, sizeof tails[j]);
    return _mm_setr_epi32((int)tails[0], (int)tails[1], (int)tails[2], (int)tails[3]);
}

/// All ones at the bytes of `tails` that are `e` or `E`.
static inline __m128i lead_exponent_marks(__m128i tails) {
    return _mm_cmpeq_epi8(_mm_or_si128(tails, _mm_set1_epi8(0x20)), _mm_set1_epi8('e'));
}

/// The four numbers' exponent parts' lengths in 64-bit lanes (from the first `e` of the number's
/// 4 bytes to its separator: 2–4, 1 for an `e` last, 0 for none): the lanes from the first mark
/// on, counted by a multiply-add.
static inline __m256i lead_exponent_lengths(__m128i marks) {
    __m128i from_e = _mm_or_si128(marks, _mm_or_si128(_mm_slli_epi32(marks, 8), _mm_or_si128(_mm_slli_epi32(marks, 16),
                                                                                          _mm_slli_epi32(marks, 24))));
    __m128i ones = _mm_set1_epi8(1);
    return _mm256_cvtepu32_epi64(_mm_madd_epi16(_mm_maddubs_epi16(_mm_and_si128(from_e, ones), ones), _mm_set1_epi16(1)));
}

/// The powers of ten that scale the four numbers' significands (lead_scales, in order, loaded one
/// by one), from
/// their 4-byte `tails` and e `marks`; all ones in *wrong's 64-bit lane j where number j's
/// exponent part is not one the kernel takes. After the number's first `e` (lanes after it in
/// the 32-bit lane, by shifts within it): digits, but a sign right after the `e` and not last;
/// four bytes (`e-05`, `E+38`) need that sign (`e123` would weigh its first digit 10, not 100),
/// and an `e` last has no digits. The value: each lane after the `e` a digit's value or 64 at a
/// minus, weighed 10, 10, 1 on lanes 1–3, so `e-05` sums 640 + 5 and `e-5`, `e21`, `e5` their own.
/// Every mantissa lane (those before the `e`) is left to parse_four_lead_with's checks, and an
/// `e` of the number before (a span shorter than 4 bytes) puts the mantissa's end before its
/// token, which fails them too.
__attribute__((always_inline)) static inline __m256d lead_exponent_scales(__m128i tails, __m128i marks, __m256i *wrong) {
    const __m128i lane1 = _mm_set1_epi32(0x0000FF00), lane3 = _mm_set1_epi32((int)0xFF000000u);
    __m128i values = _mm_sub_epi8(tails, _mm_set1_epi8('0'));
    __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(values, _mm_set1_epi8(9)), values);
    __m128i minus = _mm_cmpeq_epi8(tails, _mm_set1_epi8('-'));
    __m128i sign = _mm_or_si128(minus, _mm_cmpeq_epi8(tails, _mm_set1_epi8('+')));
    __m128i next = _mm_slli_epi32(marks, 8);
    __m128i after = _mm_or_si128(next, _mm_or_si128(_mm_slli_epi32(marks, 16), _mm_slli_epi32(marks, 24)));
    __m128i allowed = _mm_or_si128(digit, _mm_and_si128(sign, _mm_andnot_si128(lane3, next)));
    __m128i bad = _mm_or_si128(_mm_andnot_si128(allowed, after), _mm_and_si128(marks, lane3));
    bad = _mm_or_si128(bad, _mm_andnot_si128(sign, _mm_and_si128(next, lane1)));
    __m128i terms = _mm_and_si128(after, _mm_or_si128(_mm_and_si128(values, digit), _mm_and_si128(minus, _mm_set1_epi8(64))));
    __m128i sums = _mm_madd_epi16(_mm_maddubs_epi16(terms, _mm_set1_epi32(0x010A0A00)), _mm_set1_epi16(1));
    __m128i negative = _mm_cmpgt_epi32(sums, _mm_set1_epi32(639));
    __m128i magnitude = _mm_sub_epi32(sums, _mm_and_si128(negative, _mm_set1_epi32(640)));
    __m128i exponent = _mm_sub_epi32(_mm_xor_si128(magnitude, negative), negative);
    // From 10⁻²³ to 10³⁷ every significand but 0 (1 to 10¹⁵, times 10^(e - 14)) gives a normal
    // Float, so no range check of the product is needed; the rest (subnormals, values near the
    // largest Float, `e--9`'s sums) go to the exact parser, the gather's index kept in the table.
    bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpgt_epi32(exponent, _mm_set1_epi32(37)),
                                         _mm_cmpgt_epi32(_mm_set1_epi32(-23), exponent)));
    exponent = _mm_max_epi32(_mm_min_epi32(exponent, _mm_set1_epi32(37)), _mm_set1_epi32(-23));
    *wrong = _mm256_cvtepi32_epi64(_mm_xor_si128(_mm_cmpeq_epi32(bad, _mm_setzero_si128()), _mm_set1_epi8(-1)));
    // Four loads rather than a gather: two instructions a number more, but about 4 % less time
    // a number on python-exponents rows here (AMD Zen 2, whose vgatherdpd is slow).
    const double *scales = lead_scales + 99;
    __m128d low = _mm_loadh_pd(_mm_load_sd(scales + _mm_cvtsi128_si32(exponent)), scales + _mm_extract_epi32(exponent, 1));
    __m128d high = _mm_loadh_pd(_mm_load_sd(scales + _mm_extract_epi32(exponent, 2)), scales + _mm_extract_epi32(exponent, 3));
    return _mm256_insertf128_pd(_mm256_castpd128_pd256(low), high, 1);
}

#endif
