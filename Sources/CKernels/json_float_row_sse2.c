// The JSON row kernel for baseline x86-64 (SSE2); see json_float_row_impl.h.
#if defined(__x86_64__)
#define JSON_ROW_FN(name) name##_sse2
#include "json_float_row_impl.h"
#endif
