// Helpers of the JSON row kernels (json_float_row_impl.h, json_float_row_avx2.c) for the
// shapes they take one number at a time: rounding a significand and exponent to Float, the
// exponent and separators, and the 16-byte digit conversion. Static inline, so each kernel
// build gets its own copy compiled for its target; JSON_ROW_SSSE3 selects pmaddubsw.
#ifndef JSON_FLOAT_ROW_SCALAR_H
#define JSON_FLOAT_ROW_SCALAR_H
#include <string.h>
#include <tmmintrin.h>
#include "ck_json.h"

/// `significand × 10^exponent` rounded to the nearest Float into *out; 0 when the caller must
/// decide instead. Same rule as FastFloatParser.nearestFloat(_:_:) (see its type's comment):
/// the Double product is within 3.0001 Double ulps of the true value, so it rounds to the
/// same Float unless its 29 dropped bits are within 4 ulps of the midpoint pattern.
static inline int nearest_float(uint64_t significand, int exponent, float *out) {
    if (significand == 0) {
        *out = 0.0f;
        return 1;
    }
    unsigned index = (unsigned)(exponent + 64);
    if (significand >> 63 || index > 128) return 0;
    double product = (double)(int64_t)significand * ck_json_powers_of_ten[index];
    uint64_t bits;
    memcpy(&bits, &product, sizeof bits);
    if ((bits & 0x1FFFFFFFu) - 0x0FFFFFFCu <= 8 || !(product >= 0x1p-126)) return 0;
    float single = (float)product;
    if (!(single <= 0x1.fffffep127f)) return 0;
    *out = single;
    return 1;
}

/// Consumes `[eE][+-]?[0-9]+` at *p (the caller saw the e) and adds its value to *exponent,
/// saturated at ±10 000; 0 without a digit.
static inline int parse_exponent(const uint8_t *base, size_t count, size_t *p, int *exponent) {
    size_t q = *p + 1;
    int negative = 0;
    if (q < count && (base[q] == '-' || base[q] == '+')) {
        negative = base[q] == '-';
        q++;
    }
    if (!(q < count && (uint8_t)(base[q] - '0') < 10)) return 0;
    int value = 0;
    while (q < count && (uint8_t)(base[q] - '0') < 10) {
        if (value < 10000) value = value * 10 + (base[q] - '0');
        q++;
    }
    *p = q;
    *exponent += negative ? -value : value;
    return 1;
}

static inline int is_space(uint8_t byte) { return byte == ' ' || byte == '\n' || byte == '\r' || byte == '\t'; }
static inline int is_number_start(uint8_t byte) { return byte == '-' || (uint8_t)(byte - '0') < 10; }

/// As FastFloatParser.nextNumberStart(after:): the offset of the next number if `,` and a
/// number start follow `offset` (whitespace allowed around the comma), else (size_t)-1.
static inline size_t next_number_start(const uint8_t *base, size_t count, size_t offset) {
    size_t p = offset;
    if (!(p < count && base[p] == ',')) {
        while (p < count && is_space(base[p])) p++;
        if (!(p < count && base[p] == ',')) return (size_t)-1;
    }
    p++;
    if (!(p < count && is_number_start(base[p]))) {
        while (p < count && is_space(base[p])) p++;
        if (!(p < count && is_number_start(base[p]))) return (size_t)-1;
    }
    return p;
}

/// keep_lanes[r]: lane 0 (the integer digit) and lanes 2…r+1 (r fraction digits) all ones;
/// lane 1 (the point) and lanes past the fraction zero, so they read as zero digits.
static const uint8_t keep_lanes[16][16] __attribute__((aligned(16))) = {
#define K(r) {0xFF, 0, (r) > 0 ? 0xFF : 0, (r) > 1 ? 0xFF : 0, (r) > 2 ? 0xFF : 0, (r) > 3 ? 0xFF : 0, \
    (r) > 4 ? 0xFF : 0, (r) > 5 ? 0xFF : 0, (r) > 6 ? 0xFF : 0, (r) > 7 ? 0xFF : 0, (r) > 8 ? 0xFF : 0, \
    (r) > 9 ? 0xFF : 0, (r) > 10 ? 0xFF : 0, (r) > 11 ? 0xFF : 0, (r) > 12 ? 0xFF : 0, (r) > 13 ? 0xFF : 0}
    K(0), K(1), K(2), K(3), K(4), K(5), K(6), K(7), K(8), K(9), K(10), K(11), K(12), K(13), K(14), K(15),
#undef K
};

/// The 16 digit lanes of `digits` (values 0…9, the point lane zero) as one number: pairs,
/// quadruples and octets by multiply-add (pmaddwd), then the two octets joined.
static inline uint64_t fraction_value(__m128i digits, __m128i first_by_ten, __m128i by_ten, __m128i by_hundred,
                                      __m128i by_ten_thousand) {
#if defined(JSON_ROW_SSSE3)
    // pmaddubsw: bytes times signed bytes, adjacent products added, in one instruction.
    (void)first_by_ten, (void)by_ten;
    __m128i pairs = _mm_maddubs_epi16(digits, _mm_setr_epi8(1, 10, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
#else
    const __m128i zero = _mm_setzero_si128();
    __m128i pairs = _mm_packs_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(digits, zero), first_by_ten),
                                    _mm_madd_epi16(_mm_unpackhi_epi8(digits, zero), by_ten));
#endif
    __m128i quads = _mm_madd_epi16(pairs, by_hundred);
    __m128i octets = _mm_madd_epi16(_mm_packs_epi32(quads, quads), by_ten_thousand);
    uint64_t both = (uint64_t)_mm_cvtsi128_si64(octets);
    return (both & 0xFFFFFFFFu) * 100000000u + (both >> 32);
}

#endif
