// The row kernel of ck_json_parse_float_row, written once and compiled twice (the common
// `-?D.F…,` shape from one 16-byte load; any other number by parse_number):
// json_float_row_ssse3.c includes this inside a target("ssse3") region with JSON_ROW_SSSE3
// defined and JSON_ROW_FN(name) = name##_ssse3 (pmaddubsw for the digit pairs),
// json_float_row_sse2.c with JSON_ROW_FN(name) = name##_sse2 (the x86-64 baseline).
// json_float_row.c picks one at run time. Only for x86-64.
#include "json_float_row_scalar.h"

size_t JSON_ROW_FN(ck_json_parse_float_row)(const uint8_t *base, size_t count, size_t *position, float *out,
                                            size_t capacity, ck_json_row_stop *stop);

/// shape_bits[r]: the bits that must be set in a number's shape mask (bits 0–15: the lane is
/// a digit; bit 16 + i: lane i is a point) for `D.F…` with r fraction digits.
static const uint32_t shape_bits[16] = {
#define S(r) (1u | ((1u << (r)) - 1) << 2 | 1u << 17)
    S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7), S(8), S(9), S(10), S(11), S(12), S(13), S(14), S(15),
#undef S
};

/// 10⁻¹⁴ with either sign, chosen by the number's sign: the product then carries the sign
/// (also for -0.0), with no extra instruction to set it.
static const double signed_scale[2] = {1e-14, -1e-14};

size_t JSON_ROW_FN(ck_json_parse_float_row)(const uint8_t *base, size_t count, size_t *position, float *out,
                                            size_t capacity, ck_json_row_stop *stop) {
    const __m128i zero_char = _mm_set1_epi8('0');
    const __m128i comma_char = _mm_set1_epi8(',');
    const __m128i point_char = _mm_set1_epi8('.');
    const __m128i nine = _mm_set1_epi8(9);
    // pmaddwd weights: of each pair, quad or octet of digits the first is the more significant.
    // The first pair is (integer digit, point zeroed) and weighs (1, 10): it reads as `0D`, so
    // the 16 lanes spell the 16-digit number 0 D F₁ … F₁₄ = (D + 0.F₁…F₁₄) × 10¹⁴.
    const __m128i first_by_ten = _mm_setr_epi16(1, 10, 10, 1, 10, 1, 10, 1);
    const __m128i by_ten = _mm_setr_epi16(10, 1, 10, 1, 10, 1, 10, 1);
    const __m128i by_hundred = _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1);
    const __m128i by_ten_thousand = _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1);
    size_t p = *position;
    size_t written = 0;
    // Set when p was reached by stepping over a comma without looking at the byte after it:
    // the end of the number before, to fall back on when that byte is not a number start.
    size_t after_comma_of = SIZE_MAX;
    // Every read below stays within 17 bytes of p (two 16-byte loads at p and p + sign, one
    // byte after the fraction), so p may go up to count - 32.
    const ptrdiff_t last_start = (ptrdiff_t)count - 32;
    for (;;) {
        if ((ptrdiff_t)p > last_start) goto unusual;
        // The next number's start comes from this load alone (the first comma), so the
        // loop-carried dependency is one load and a bit scan; that the number really ends at
        // the comma is checked below, off that chain, by a well-predicted branch.
        unsigned commas = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(base + p)), comma_char));
        // No comma in the 16 bytes: a position no number can end at (they end by p + 16).
        size_t comma = p + (unsigned)__builtin_ctz(commas | 0x20000);
        size_t sign = base[p] == '-';
        size_t q = p + sign;
        __m128i raw = _mm_loadu_si128((const __m128i *)(base + q));
        __m128i digits = _mm_sub_epi8(raw, zero_char);
        // A byte is a digit when its value minus '0' is at most 9 as an unsigned byte.
        uint32_t shape = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(digits, nine), digits)) |
                         (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(raw, point_char)) << 16;
        // The common case: `D.F…,` with 1–13 fraction digits running up to the comma.
        size_t fraction_digits = comma - q - 2;
        uint32_t needed = shape_bits[fraction_digits & 15];
        if ((fraction_digits - 1 > 12) | ((shape & needed) != needed)) goto other_shape;
        {
            __m128i kept = _mm_and_si128(digits, _mm_load_si128((const __m128i *)keep_lanes[fraction_digits]));
            uint64_t significand = fraction_value(kept, first_by_ten, by_ten, by_hundred, by_ten_thousand);
            // The value is 0 or in [10⁻¹⁴, 10), far inside the normal Float range, so only
            // the midpoint check remains. Below 10¹⁵ the significand is an exact Double.
            double product = (double)(int64_t)significand * signed_scale[sign];
            uint64_t bits;
            memcpy(&bits, &product, sizeof bits);
            if ((bits & 0x1FFFFFFFu) - 0x0FFFFFFCu <= 8) goto unusual;
            out[written] = (float)product;
            written++;
            if (written == capacity) {
                *position = comma;
                *stop = CK_JSON_ROW_FULL;
                return written;
            }
            // Whether a number follows is left to the next round's shape check.
            after_comma_of = comma;
            p = comma + 1;
            continue;
        }
    other_shape: {
            // `D.F…` followed by an exponent, whitespace or a bracket rather than a comma.
            unsigned digit_run = (unsigned)__builtin_ctz(~shape >> 2);  // at most 14
            if (!(shape & 1) | !(shape & 1u << 17) | (digit_run - 1 > 12)) goto unusual;
            __m128i kept = _mm_and_si128(digits, _mm_load_si128((const __m128i *)keep_lanes[digit_run]));
            uint64_t significand = fraction_value(kept, first_by_ten, by_ten, by_hundred, by_ten_thousand);
            size_t end = q + 2 + digit_run;
            int exponent = -14;
            if ((base[end] | 0x20) == 'e' && !parse_exponent(base, count, &end, &exponent)) goto unusual;
            float magnitude;
            if (!nearest_float(significand, exponent, &magnitude)) goto unusual;
            uint32_t bits;
            memcpy(&bits, &magnitude, sizeof bits);
            bits |= (uint32_t)sign << 31;
            memcpy(out + written, &bits, sizeof bits);
            written++;
            size_t next;
            if (row_stops_after(base, count, end, written, capacity, position, stop, &next)) return written;
            after_comma_of = SIZE_MAX;
            p = next;
            continue;
        }
    unusual:
        // Not a shape handled here. If p was reached blindly after a comma, first make sure
        // a number starts there (else the row ends at that comma's number, or whitespace
        // precedes the next number).
        if (after_comma_of != SIZE_MAX && !is_number_start(base[p])) {
            size_t next = next_number_start(base, count, after_comma_of);
            if (next == (size_t)-1) {
                *position = after_comma_of;
                *stop = CK_JSON_ROW_END;
                return written;
            }
            after_comma_of = SIZE_MAX;
            p = next;
            continue;
        }
        // Any other valid number (integers, long fractions, exponents, whitespace before it)
        // by the general parser; only what that declines goes back to the caller.
        size_t end;
        if (!parse_number(base, count, p, &end, out + written)) {
            *position = p;
            *stop = CK_JSON_ROW_REFUSED;
            return written;
        }
        written++;
        size_t next;
        if (row_stops_after(base, count, end, written, capacity, position, stop, &next)) return written;
        after_comma_of = SIZE_MAX;
        p = next;
    }
}
