#include "CKernels.h"

#include <string.h>

/* A float is NaN or infinite exactly when its eight exponent bits are all ones. The block loop
 * has no early exit, so the compiler vectorizes it; only a block that holds one is rescanned. */
long ck_first_nonfinite(const float *x, long n) {
    enum { BLOCK = 256 };
    const uint32_t exponent = 0x7F800000u;
    for (long start = 0; start < n; start += BLOCK) {
        long end = start + BLOCK < n ? start + BLOCK : n;
        uint32_t found = 0;
        for (long i = start; i < end; i++) {
            uint32_t bits;
            memcpy(&bits, &x[i], sizeof bits);
            found |= (uint32_t)((bits & exponent) == exponent);
        }
        if (found) {
            for (long i = start; i < end; i++) {
                uint32_t bits;
                memcpy(&bits, &x[i], sizeof bits);
                if ((bits & exponent) == exponent) return i;
            }
        }
    }
    return -1;
}
