// The tensor reader's vector fast path (module JSON, FastFloatParser): rows of JSON numbers
// shaped `-?D.DDDD…` parsed 16 bytes at a time and rounded to Float32 exactly; everything
// else is refused and the Swift caller parses it. The kernel itself is in
// json_float_row_impl.h, built for SSE2 and SSSE3; this file detects and dispatches.
// Why C: the digit conversion is a few multiply-add instructions here (pmaddwd, pmaddubsw),
// which Swift cannot express; in scalar SWAR Swift the same row costs about 2.5 times more.
#include "ck_json.h"

#if defined(__x86_64__)
#include <cpuid.h>

size_t ck_json_parse_float_row_sse2(const uint8_t *base, size_t count, size_t *position, float *out,
                                    size_t capacity, ck_json_row_stop *stop);
size_t ck_json_parse_float_row_ssse3(const uint8_t *base, size_t count, size_t *position, float *out,
                                     size_t capacity, ck_json_row_stop *stop);

ck_json_row_isa ck_json_detect_row_isa(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return CK_JSON_ROW_SSE2;
    return (ecx >> 9) & 1 ? CK_JSON_ROW_SSSE3 : CK_JSON_ROW_SSE2;
}

size_t ck_json_parse_float_row(ck_json_row_isa isa, const uint8_t *base, size_t count, size_t *position, float *out,
                               size_t capacity, ck_json_row_stop *stop) {
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
