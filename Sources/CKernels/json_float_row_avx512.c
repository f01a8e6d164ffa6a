// The AVX2 row kernel (json_float_row_avx2.c) built a second time for CPUs with AVX-512
// (F, BW, VL, VBMI2): the same code and results, with each block's separators listed by
// vpcompressb (list_separators_wide) instead of a bit scan per separator in rows of short numbers
// (rows of long ones, 2–4 a block, keep the bit scan), and the compiler free
// to use AVX-512's encodings (three-input logic, mask registers) in the 256-bit parsers.
// json_float_row.c enters it only when CPUID and XCR0 report those extensions, so the binary
// still runs on AVX2-only machines.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw,avx512vl,avx512vbmi2"))), \
                             apply_to = function)
#define JSON_ROW_AVX512 1
#define JSON_ROW_WIDE_FN(name) name##_avx512
#include "json_float_row_avx2.c"
#endif
