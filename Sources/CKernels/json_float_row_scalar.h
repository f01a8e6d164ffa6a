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
    unsigned index = (unsigned)(exponent + 64);
    if (significand >> 63 || index > 128) return 0;
    double product = (double)(int64_t)significand * ck_json_powers_of_ten[index];
    uint64_t bits;
    memcpy(&bits, &product, sizeof bits);
    float single = (float)product;
    // One branch for all three checks (zero passes: its dropped bits are far from the
    // midpoint pattern); which one fails is rare and unpredictable alike.
    int passes = ((bits & 0x1FFFFFFFu) - 0x0FFFFFFCu > 8) & ((product >= 0x1p-126) | (significand == 0)) &
                 (single <= 0x1.fffffep127f);
    if (!passes) return 0;
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
    // Two digits, as Python and numpy write them (`e-05`, `e+38`), without the loop.
    if (q + 2 < count && (uint8_t)(base[q + 1] - '0') < 10 && (uint8_t)(base[q + 2] - '0') >= 10) {
        int value = (base[q] - '0') * 10 + (base[q + 1] - '0');
        *p = q + 2;
        *exponent += negative ? -value : value;
        return 1;
    }
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

/// The offset of the first byte at or after `p` that is not JSON whitespace: 16 bytes a step
/// (a line break and indentation before each number of a pretty-printed row), byte by byte in
/// the buffer's last 16.
__attribute__((noinline)) static size_t skip_whitespace(const uint8_t *base, size_t count, size_t p) {
    while (p + 16 <= count) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(base + p));
        __m128i spaces = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))),
                                      _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t'))));
        unsigned others = ~(unsigned)_mm_movemask_epi8(spaces) & 0xFFFF;
        if (others) return p + (unsigned)__builtin_ctz(others);
        p += 16;
    }
    while (p < count && is_space(base[p])) p++;
    return p;
}

static inline int is_number_start(uint8_t byte) { return byte == '-' || (uint8_t)(byte - '0') < 10; }

/// As FastFloatParser.nextNumberStart(after:): the offset of the next number if `,` and a
/// number start follow `offset` (whitespace allowed around the comma), else (size_t)-1.
static inline size_t next_number_start(const uint8_t *base, size_t count, size_t offset) {
    size_t p = offset;
    if (!(p < count && base[p] == ',')) {
        p = skip_whitespace(base, count, p);
        if (!(p < count && base[p] == ',')) return (size_t)-1;
    }
    p++;
    if (!(p < count && is_number_start(base[p]))) {
        p = skip_whitespace(base, count, p);
        if (!(p < count && is_number_start(base[p]))) return (size_t)-1;
    }
    return p;
}

/// 10^k for k in 0…19, for joining digit runs.
static const uint64_t integer_powers_of_ten[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull, 1000000000ull,
    10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull, 100000000000000ull,
    1000000000000000ull, 10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
    10000000000000000000ull,
};

/// keep_high_bytes[n]: the top n bytes of a 64-bit word (the last n characters of an 8-byte
/// little-endian load).
static const uint64_t keep_high_bytes[9] = {
    0, 0xFF00000000000000ull, 0xFFFF000000000000ull, 0xFFFFFF0000000000ull, 0xFFFFFFFF00000000ull,
    0xFFFFFFFFFF000000ull, 0xFFFFFFFFFFFF0000ull, 0xFFFFFFFFFFFFFF00ull, 0xFFFFFFFFFFFFFFFFull,
};

/// The value of the n (0…8) ASCII digits that end just before base + end (the caller has
/// checked that they are digits and that the 8 bytes before `end` are in the buffer): one load
/// ending there, the bytes before the run masked off so they read as leading zeros, then the
/// SWAR conversion of eight digits (fast_float's parse_eight_digits_unrolled). The '0' is
/// subtracted only from kept bytes, so no borrow crosses into them from the masked ones.
__attribute__((always_inline)) static inline uint64_t digits_ending_at(const uint8_t *base, size_t end, unsigned n) {
    uint64_t chunk;
    memcpy(&chunk, base + end - 8, sizeof chunk);
    uint64_t keep = keep_high_bytes[n];
    uint64_t v = (chunk & keep) - (0x3030303030303030ull & keep);
    v = v * 10 + (v >> 8);
    return (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
            (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
}

/// The value of the n (0…16) ASCII digits that end just before base + end, by one 16-byte
/// load ending there: the lanes before the run are zeroed, then pairs, quadruples and octets
/// are formed by multiply-add as in fraction_value (pmaddubsw in the SSSE3 and AVX2 builds).
__attribute__((always_inline)) static inline uint64_t sixteen_digits_ending_at(const uint8_t *base, size_t end,
                                                                              unsigned n) {
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m128i kept = _mm_cmpgt_epi8(iota, _mm_set1_epi8((char)(15 - (int)n)));
    __m128i digits = _mm_and_si128(_mm_sub_epi8(_mm_loadu_si128((const __m128i *)(base + end - 16)), _mm_set1_epi8('0')),
                                   kept);
#if defined(JSON_ROW_SSSE3)
    __m128i pairs = _mm_maddubs_epi16(digits, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
#else
    const __m128i zero = _mm_setzero_si128(), by_ten = _mm_setr_epi16(10, 1, 10, 1, 10, 1, 10, 1);
    __m128i pairs = _mm_packs_epi32(_mm_madd_epi16(_mm_unpacklo_epi8(digits, zero), by_ten),
                                    _mm_madd_epi16(_mm_unpackhi_epi8(digits, zero), by_ten));
#endif
    __m128i quads = _mm_madd_epi16(pairs, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
    __m128i octets = _mm_madd_epi16(_mm_packs_epi32(quads, quads), _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    uint64_t both = (uint64_t)_mm_cvtsi128_si64(octets);
    return (both & 0xFFFFFFFFu) * 100000000u + (both >> 32);
}

/// The value of a run of n (0…24) digits ending before base + end: the last 16 by vector,
/// the rest (zero when there is none, without a branch) by SWAR. The run's value must be
/// below 2^64 (the caller bounds its significant digits).
__attribute__((always_inline)) static inline uint64_t digits_value(const uint8_t *base, size_t end, unsigned n) {
    unsigned low = n < 16 ? n : 16;
    return digits_ending_at(base, end - 16, n - low) * 10000000000000000u + sixteen_digits_ending_at(base, end, low);
}

/// Bytes a number may need before and after its start in parse_number: the 24 bytes a
/// right-aligned digit load may reach back, and its 32-byte window after the sign.
enum { NUMBER_LOOKBEHIND = 24, NUMBER_WINDOW = 32 };

/// Any JSON number at base[p], after optional whitespace — `-?(0|[1-9][0-9]*)(\.[0-9]+)?
/// ([eE][+-]?[0-9]+)?` with at most 19 significant digits (a fraction's leading zeros do not
/// count) — rounded to the nearest Float into *out, with *end just after it; 0 (nothing
/// consumed) when it is malformed, longer, too close to either end of the buffer, or
/// nearest_float declines: the caller's general path then decides, and names any error.
///
/// The digit runs are found from one 32-byte digit mask (two 16-byte compares), then each run
/// is converted by loads that end where it ends (digits_value), so no loop runs per digit and
/// the data-dependent branches are the shape's own (a fraction or not, a long integer part,
/// an exponent), which stay predictable within a body.
__attribute__((always_inline)) static inline int parse_number(const uint8_t *base, size_t count, size_t p, size_t *end,
                                                              float *out) {
    if (p < count && is_space(base[p])) p = skip_whitespace(base, count, p);
    if (p >= count) return 0;
    size_t negative = base[p] == '-';
    size_t q = p + negative;
    if (q < NUMBER_LOOKBEHIND || q + NUMBER_WINDOW > count) return 0;
    const __m128i zero_char = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    __m128i low = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(base + q)), zero_char);
    __m128i high = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(base + q + 16)), zero_char);
    // Bit i: byte q + i is a digit (its value minus '0' is at most 9 unsigned); bit 32 never.
    uint64_t digit_mask = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(low, nine), low)) |
                          (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(high, nine), high)) << 16;
    unsigned integer_digits = (unsigned)__builtin_ctzll(~digit_mask);
    // One to 19 integer digits, and a leading 0 alone (RFC 8259 §6).
    int leading_zero = base[q] == '0';
    if ((integer_digits - 1 > 18) | (leading_zero & (integer_digits > 1))) return 0;
    unsigned length = integer_digits;
    unsigned fraction_digits = 0;
    if (base[q + length] == '.') {
        fraction_digits = (unsigned)__builtin_ctzll(~(digit_mask >> (length + 1)));
        length += 1 + fraction_digits;
        // At least one fraction digit, and the run must stop inside the window.
        if ((fraction_digits - 1 > 23) | (length >= NUMBER_WINDOW)) return 0;
    }
    // At most 19 significant digits, so the significand stays below 10^19 < 2^64. Only a
    // fraction after `0.` may be longer, by its leading zeros (rare: counted only then).
    if (integer_digits + fraction_digits > 19u + (unsigned)leading_zero) {
        unsigned zeros = (unsigned)__builtin_ctz(
            (unsigned)~_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(base + q + 2)), zero_char)));
        if (!leading_zero || fraction_digits > 19 + zeros) return 0;
    }
    // One integer digit (`D.F…`, the form of most floats clients write) without the SWAR load.
    uint64_t integer = integer_digits == 1  ? (uint64_t)(base[q] - '0')
                       : integer_digits <= 8 ? digits_ending_at(base, q + integer_digits, integer_digits)
                                             : digits_value(base, q + integer_digits, integer_digits);
    // The integer part is below 10^(19 - fraction_digits) unless it is 0: the product fits.
    uint64_t significand = integer * integer_powers_of_ten[fraction_digits > 19 ? 19 : fraction_digits] +
                           (fraction_digits ? digits_value(base, q + length, fraction_digits) : 0);
    size_t after = q + length;
    int exponent = -(int)fraction_digits;
    if ((base[after] | 0x20) == 'e' && !parse_exponent(base, count, &after, &exponent)) return 0;
    float magnitude;
    if (!nearest_float(significand, exponent, &magnitude)) return 0;
    uint32_t bits;
    memcpy(&bits, &magnitude, sizeof bits);
    bits |= (uint32_t)negative << 31;
    memcpy(out, &bits, sizeof bits);
    *end = after;
    return 1;
}

/// After a number that ends at `end` was stored as the row's `written`-th value: whether the
/// row stops there — `capacity` reached (FULL), or no `, number` follows (END) — with
/// *position and *stop set for the caller; if not, *next is the next number's start.
static inline int row_stops_after(const uint8_t *base, size_t count, size_t end, size_t written, size_t capacity,
                                  size_t *position, ck_json_row_stop *stop, size_t *next) {
    if (written == capacity) {
        *position = end;
        *stop = CK_JSON_ROW_FULL;
        return 1;
    }
    *next = next_number_start(base, count, end);
    if (*next == (size_t)-1) {
        *position = end;
        *stop = CK_JSON_ROW_END;
        return 1;
    }
    return 0;
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
