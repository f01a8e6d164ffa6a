// The window kernels for any CPU (baseline x86-64: SSE2).
#define CK_FN(name) name##_portable
#include "window_impl.h"
