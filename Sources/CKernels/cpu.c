// CPU feature detection, compiled for baseline x86-64 so it runs on any CPU.
#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

ck_isa ck_detect_isa(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return CK_ISA_PORTABLE;
    int has_fma = (ecx >> 12) & 1;
    int has_osxsave = (ecx >> 27) & 1;
    int has_avx = (ecx >> 28) & 1;
    if (!(has_fma && has_osxsave && has_avx)) return CK_ISA_PORTABLE;
    // The OS must save YMM state on context switch (XCR0 bits 1 and 2), or AVX faults.
    if ((read_xcr0() & 0x6) != 0x6) return CK_ISA_PORTABLE;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return CK_ISA_PORTABLE;
    int has_avx2 = (ebx >> 5) & 1;
    return has_avx2 ? CK_ISA_AVX2_FMA : CK_ISA_PORTABLE;
}
#else
ck_isa ck_detect_isa(void) { return CK_ISA_PORTABLE; }
#endif
