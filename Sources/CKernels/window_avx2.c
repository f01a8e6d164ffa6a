// The window kernels built for AVX2/FMA; entered only when ck_detect_isa saw them.
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define CK_FN(name) name##_avx2
#include "window_impl.h"
#pragma clang attribute pop
#endif
