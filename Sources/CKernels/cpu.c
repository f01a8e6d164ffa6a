// CPU feature detection, compiled for baseline x86-64 so it runs on any CPU, and the number of
// cores this process may use.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/// AVX-512F on the CPU (CPUID leaf 7) with the opmask and ZMM state saved by the OS (XCR0 bits
/// 1, 2, 5, 6, 7).
static int cpu_has_avx512f(void) {
    unsigned eax, ebx, ecx, edx;
    if (ck_detect_isa() != CK_ISA_AVX2_FMA) return 0;
    if ((read_xcr0() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 16) & 1;
}

ck_isa ck_gemm_isa(void) {
    // Read once; racing first calls compute the same answer.
    static _Atomic int cached = -1;
    int value = cached;
    if (value < 0) {
        const char *cap = getenv("CK_GEMM_ISA");
        value = cpu_has_avx512f() && !(cap && strcmp(cap, "avx2") == 0) ? CK_ISA_AVX512F : ck_detect_isa();
        cached = value;
    }
    return (ck_isa)value;
}
#else
ck_isa ck_detect_isa(void) { return CK_ISA_PORTABLE; }
ck_isa ck_gemm_isa(void) { return CK_ISA_PORTABLE; }
#endif

long ck_parse_cpu_max(const char *text) {
    // cgroup v2 cpu.max: "$MAX $PERIOD", MAX either "max" or a quota in µs per PERIOD µs.
    char quota[32];
    long long period = 0;
    if (!text || sscanf(text, "%31s %lld", quota, &period) != 2 || period <= 0) return 0;
    if (strcmp(quota, "max") == 0) return 0;
    char *end;
    long long q = strtoll(quota, &end, 10);
    if (*end != 0 || q <= 0) return 0;
    // Rounded up: a quota of 1.5 cores lets two threads run most of the time.
    return (long)((q + period - 1) / period);
}

/// Reads up to `size - 1` bytes of a small file; 0 when it cannot be read.
static int read_small_file(const char *path, char *buffer, size_t size) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t count = fread(buffer, 1, size - 1, f);
    fclose(f);
    buffer[count] = 0;
    return count > 0;
}

long ck_cgroup_cpu_limit(const char *cgroup_root, const char *proc_cgroup) {
    // The v2 entry is the line "0::/path"; v1 lines ("N:controllers:/path") carry no cpu.max.
    const char *line = proc_cgroup;
    while (line && strncmp(line, "0::", 3) != 0) {
        line = strchr(line, '\n');
        if (line) line++;
    }
    if (!line) return 0;
    char path[4096];
    int length = snprintf(path, sizeof path, "%s/%.*s", cgroup_root, (int)strcspn(line + 3, "\n"), line + 3);
    if (length <= 0 || (size_t)length >= sizeof path) return 0;
    // Every ancestor's quota applies; the tightest wins. Walk up to the mounted root.
    const size_t root_length = strlen(cgroup_root);
    long limit = 0;
    for (;;) {
        char file[4096 + 16], text[128];
        snprintf(file, sizeof file, "%s/cpu.max", path);
        if (read_small_file(file, text, sizeof text)) {
            const long cores = ck_parse_cpu_max(text);
            if (cores > 0 && (limit == 0 || cores < limit)) limit = cores;
        }
        char *slash = strrchr(path, '/');
        if (!slash || (size_t)(slash - path) < root_length) break;
        *slash = 0;
    }
    return limit;
}

long ck_usable_cpu_count(void) {
    long count = 0;
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) count = CPU_COUNT(&set);
#endif
    if (count <= 0) count = sysconf(_SC_NPROCESSORS_ONLN);
    char text[4096];
    if (read_small_file("/proc/self/cgroup", text, sizeof text)) {
        const long quota = ck_cgroup_cpu_limit("/sys/fs/cgroup", text);
        if (quota > 0 && quota < count) count = quota;
    }
    return count > 0 ? count : 1;
}
