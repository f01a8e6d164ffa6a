// The JSON row kernel with SSSE3 (pmaddubsw); entered only when CPUID reports SSSE3.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("ssse3"))), apply_to = function)
#define JSON_ROW_SSSE3 1
#define JSON_ROW_FN(name) name##_ssse3
#include "json_float_row_impl.h"
#pragma clang attribute pop
#endif
