// The window kernels for any CPU (baseline x86-64: SSE2).
// vector_math.h's 32-byte vectors pass only between always_inline functions, so no call ever
// uses the AVX calling convention clang warns about here (as in elementwise_portable.c).
#pragma clang diagnostic ignored "-Wpsabi"
#define CK_FN(name) name##_portable
#include "window_impl.h"
