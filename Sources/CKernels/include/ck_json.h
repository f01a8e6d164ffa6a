#ifndef CK_JSON_H
#define CK_JSON_H

#include <stddef.h>
#include <stdint.h>

/// Why ck_json_parse_float_row returned.
typedef enum {
    /// `capacity` floats were written; *position is just after the last number.
    CK_JSON_ROW_FULL = 0,
    /// The number at *position is not one it parses (malformed, more than 19 significant
    /// digits, an exponent beyond ±64, a result near a rounding midpoint, subnormal or
    /// overflowing, within 32 bytes of the buffer's end…); the caller must.
    CK_JSON_ROW_REFUSED = 1,
    /// After the last number comes something other than `, number`; *position is after it.
    CK_JSON_ROW_END = 2,
} ck_json_row_stop;

/// The Double nearest to 10^k at [k + 64], for k in -64…64 (exact for 0…22): shared by the
/// row kernel and the Swift parser that takes the numbers it refuses.
extern const double ck_json_powers_of_ten[129];
/// The same table as a pointer, for Swift (which imports a C array as a tuple value).
const double *ck_json_powers_of_ten_table(void);

/// Which build of the row kernel runs: chosen once by ck_json_detect_row_isa.
typedef enum {
    /// Not x86-64: there is no kernel; ck_json_parse_float_row refuses at once.
    CK_JSON_ROW_NONE = 0,
    /// Baseline x86-64.
    CK_JSON_ROW_SSE2 = 1,
    /// With pmaddubsw (all x86-64 CPUs since about 2008 save AMD K10).
    CK_JSON_ROW_SSSE3 = 2,
    /// AVX2 (with BMI1 and POPCNT): separators listed 64 bytes at a time, numbers parsed four at
    /// a time by the row's kind (compact short numbers, leading digits with or without exponents,
    /// integers, short spans, long spans) and odd ones singly (json_float_row_avx2.c); the same
    /// results as the SSSE3 build.
    CK_JSON_ROW_AVX2 = 3,
    /// The AVX2 kernel built with AVX-512 (F, BW, VL, VBMI2) and BMI2: separators of rows of short
    /// numbers listed by vpcompressb (json_float_row_avx512.c); the same results.
    CK_JSON_ROW_AVX512 = 4,
} ck_json_row_isa;

/// The best row kernel this CPU runs (CPUID: a slow call, so ask once).
ck_json_row_isa ck_json_detect_row_isa(void);

/// Parses `number , number , …` from base[*position] into `out` (at most `capacity` ≥ 1
/// floats), each correctly rounded to Float32, and returns how many it wrote: any JSON number
/// of up to 19 significant digits, JSON whitespace around the commas. `isa` must come from
/// ck_json_detect_row_isa. *position must be at least 1 (a row's numbers follow its `[`): the
/// parsers read the byte before a number.
size_t ck_json_parse_float_row(ck_json_row_isa isa, const uint8_t *base, size_t count, size_t *position, float *out,
                               size_t capacity, ck_json_row_stop *stop);

#endif
