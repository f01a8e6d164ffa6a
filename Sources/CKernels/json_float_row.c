// The tensor reader's vector fast path (module JSON, FastFloatParser): rows of JSON numbers
// of every shape (up to 19 significant digits, whitespace around the commas) rounded to
// Float32 exactly; what it is unsure of is refused and the Swift caller parses it. The kernel
// itself is in json_float_row_impl.h, built for SSE2 and SSSE3 (16 bytes at a time, then
// parse_number of json_float_row_scalar.h for other shapes), and json_float_row_avx2.c (short
// compact numbers four at a time, other spans one 32-byte load each), the latter built again for
// AVX-512 (json_float_row_avx512.c); this file detects and dispatches.
// Why C: the digit conversion is a few multiply-add instructions here (pmaddwd, pmaddubsw),
// which Swift cannot express; in scalar SWAR Swift the same row costs about 2.5 times more.
#include "ck_json.h"

// The compiler rounds each decimal literal correctly to the nearest Double.
const double ck_json_powers_of_ten[129] = {
    1e-64, 1e-63, 1e-62, 1e-61, 1e-60, 1e-59, 1e-58, 1e-57,
    1e-56, 1e-55, 1e-54, 1e-53, 1e-52, 1e-51, 1e-50, 1e-49,
    1e-48, 1e-47, 1e-46, 1e-45, 1e-44, 1e-43, 1e-42, 1e-41,
    1e-40, 1e-39, 1e-38, 1e-37, 1e-36, 1e-35, 1e-34, 1e-33,
    1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25,
    1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17,
    1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1,
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23,
    1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39,
    1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47,
    1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55,
    1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63,
    1e64,
};

const double *ck_json_powers_of_ten_table(void) { return ck_json_powers_of_ten; }


#if defined(__x86_64__)
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

size_t ck_json_parse_float_row_sse2(const uint8_t *base, size_t count, size_t *position, float *out,
                                    size_t capacity, ck_json_row_stop *stop);
size_t ck_json_parse_float_row_ssse3(const uint8_t *base, size_t count, size_t *position, float *out,
                                     size_t capacity, ck_json_row_stop *stop);
size_t ck_json_parse_float_row_avx2(const uint8_t *base, size_t count, size_t *position, float *out,
                                    size_t capacity, ck_json_row_stop *stop);
size_t ck_json_parse_float_row_avx512(const uint8_t *base, size_t count, size_t *position, float *out,
                                      size_t capacity, ck_json_row_stop *stop);

/// AVX2, BMI1 and POPCNT from CPUID, and YMM state saved by the OS (XCR0 bits 1 and 2), as
/// ck_detect_isa checks for the gemm kernels.
static int has_avx2(unsigned leaf1_ecx) {
    int has_popcnt = (leaf1_ecx >> 23) & 1, has_osxsave = (leaf1_ecx >> 27) & 1, has_avx = (leaf1_ecx >> 28) & 1;
    if (!(has_popcnt && has_osxsave && has_avx)) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0x6) != 0x6) return 0;
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 5) & 1 && (ebx >> 3) & 1;  // AVX2, BMI1
}

/// AVX-512 F, BW, VL and VBMI2 with BMI2 from CPUID, and the opmask and ZMM state saved by the OS
/// (XCR0 bits 5–7), on top of has_avx2.
static int has_avx512(unsigned leaf1_ecx) {
    if (!has_avx2(leaf1_ecx)) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 0xE6) != 0xE6) return 0;
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int f = (ebx >> 16) & 1, bw = (ebx >> 30) & 1, vl = (ebx >> 31) & 1, bmi2 = (ebx >> 8) & 1, vbmi2 = (ecx >> 6) & 1;
    return f && bw && vl && bmi2 && vbmi2;
}

static ck_json_row_isa best_row_isa(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return CK_JSON_ROW_SSE2;
    if (!((ecx >> 9) & 1)) return CK_JSON_ROW_SSE2;
    if (has_avx512(ecx)) return CK_JSON_ROW_AVX512;
    return has_avx2(ecx) ? CK_JSON_ROW_AVX2 : CK_JSON_ROW_SSSE3;
}

/// The best build, capped by the environment variable CK_JSON_ROW_ISA (`sse2`, `ssse3` or
/// `avx2`) when set: benchmarks time the builds against each other in one run with it.
ck_json_row_isa ck_json_detect_row_isa(void) {
    ck_json_row_isa best = best_row_isa();
    const char *cap = getenv("CK_JSON_ROW_ISA");
    if (!cap) return best;
    ck_json_row_isa limit = !strcmp(cap, "sse2") ? CK_JSON_ROW_SSE2 : !strcmp(cap, "ssse3") ? CK_JSON_ROW_SSSE3
                                                   : !strcmp(cap, "avx2")                  ? CK_JSON_ROW_AVX2
                                                                                           : best;
    return limit < best ? limit : best;
}

size_t ck_json_parse_float_row(ck_json_row_isa isa, const uint8_t *base, size_t count, size_t *position, float *out,
                               size_t capacity, ck_json_row_stop *stop) {
    if (isa == CK_JSON_ROW_AVX512) return ck_json_parse_float_row_avx512(base, count, position, out, capacity, stop);
    if (isa == CK_JSON_ROW_AVX2) return ck_json_parse_float_row_avx2(base, count, position, out, capacity, stop);
    if (isa == CK_JSON_ROW_SSSE3) return ck_json_parse_float_row_ssse3(base, count, position, out, capacity, stop);
    return ck_json_parse_float_row_sse2(base, count, position, out, capacity, stop);
}
#else
ck_json_row_isa ck_json_detect_row_isa(void) { return CK_JSON_ROW_NONE; }

size_t ck_json_parse_float_row(ck_json_row_isa isa, const uint8_t *base, size_t count, size_t *position, float *out,
                               size_t capacity, ck_json_row_stop *stop) {
    (void)isa, (void)base, (void)count, (void)position, (void)out, (void)capacity;
    *stop = CK_JSON_ROW_REFUSED;
    return 0;
}
#endif
