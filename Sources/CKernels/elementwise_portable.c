// The elementwise kernels for any CPU (baseline x86-64: SSE2).
// vector_math.h passes 32-byte vectors between functions that are all always_inline, so no
// call ever uses the AVX calling convention clang warns about here.
#pragma clang diagnostic ignored "-Wpsabi"
#define CK_FN(name) name##_portable
#include "elementwise_impl.h"
