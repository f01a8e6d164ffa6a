// libFuzzer target for the JSON row kernel (Sources/CKernels/json_float_row*.c), built by
// scripts/fuzz-json-row-kernel.sh with AddressSanitizer over an exact-size copy of each input, so
// that any read past the buffer faults. From the row's start (after an `[`), each build the CPU runs (SSE2,
// SSSE3, AVX2, AVX-512) parses as the Swift reader drives it (after a refusal, on from the next
// comma), and every Float it writes must be a valid JSON number's strtof bits, the tokens being
// what lies between the commas it stepped over; the AVX2 and AVX-512 builds, one algorithm, must
// also stop at the same places.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_json.h"

size_t ck_json_parse_float_row_sse2(const uint8_t *, size_t, size_t *, float *, size_t, ck_json_row_stop *);
size_t ck_json_parse_float_row_ssse3(const uint8_t *, size_t, size_t *, float *, size_t, ck_json_row_stop *);
size_t ck_json_parse_float_row_avx2(const uint8_t *, size_t, size_t *, float *, size_t, ck_json_row_stop *);
size_t ck_json_parse_float_row_avx512(const uint8_t *, size_t, size_t *, float *, size_t, ck_json_row_stop *);
typedef size_t (*row_kernel)(const uint8_t *, size_t, size_t *, float *, size_t, ck_json_row_stop *);

static int is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Whether text[0..<n] is one JSON number (RFC 8259 grammar).
static int is_json_number(const uint8_t *t, size_t n) {
    size_t i = 0;
    if (i < n && t[i] == '-') i++;
    if (i >= n) return 0;
    if (t[i] == '0') {
        i++;
    } else if (t[i] >= '1' && t[i] <= '9') {
        while (i < n && t[i] >= '0' && t[i] <= '9') i++;
    } else {
        return 0;
    }
    if (i < n && t[i] == '.') {
        size_t start = ++i;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++;
        if (i == start) return 0;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        size_t start = i;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++;
        if (i == start) return 0;
    }
    return i == n;
}

/// Checks the `written` Floats parsed from bytes from..<to: between the commas there, each token
/// (whitespace trimmed) is a JSON number whose strtof is that Float.
static void check_values(const uint8_t *bytes, size_t from, size_t to, const float *values, size_t written,
                         const char *build) {
    size_t start = from;
    for (size_t j = 0; j < written; j++) {
        size_t end = start;
        while (end < to && bytes[end] != ',') end++;
        if (j + 1 < written && end >= to) {
            fprintf(stderr, "%s: %zu Floats but fewer commas in %zu..<%zu\n", build, written, from, to);
            abort();
        }
        size_t a = start, b = end;
        while (a < b && is_space(bytes[a])) a++;
        while (b > a && is_space(bytes[b - 1])) b--;
        char token[512];
        size_t length = b - a;
        if (length >= sizeof token || !is_json_number(bytes + a, length)) {
            fprintf(stderr, "%s: Float %zu from a token that is not a number at %zu (%zu bytes)\n", build, j, a, length);
            abort();
        }
        memcpy(token, bytes + a, length);
        token[length] = 0;
        float expected = strtof(token, NULL);
        uint32_t got_bits, expected_bits;
        memcpy(&got_bits, &values[j], 4);
        memcpy(&expected_bits, &expected, 4);
        if (got_bits != expected_bits || isinf(expected)) {
            fprintf(stderr, "%s: %s gave %08x, strtof %08x\n", build, token, got_bits, expected_bits);
            abort();
        }
        start = end + 1;
    }
}

/// One build over the whole buffer as parseRow drives it; the stops into trace (position, written,
/// stop per call) for comparison between builds; returns the number of calls.
static size_t run(row_kernel kernel, const uint8_t *bytes, size_t count, size_t capacity, const char *build,
                  size_t *trace, size_t trace_slots) {
    float *out = malloc(sizeof(float) * capacity);
    size_t p = 1, calls = 0;
    while (p < count && calls < trace_slots / 3) {
        size_t position = p;
        ck_json_row_stop stop = CK_JSON_ROW_REFUSED;
        size_t written = kernel(bytes, count, &position, out, capacity, &stop);
        if (written > capacity || position > count || position < p) {
            fprintf(stderr, "%s: wrote %zu of %zu, position %zu from %zu\n", build, written, capacity, position, p);
            abort();
        }
        check_values(bytes, p, position, out, written, build);
        trace[3 * calls] = position, trace[3 * calls + 1] = written, trace[3 * calls + 2] = stop;
        calls++;
        // On from the next comma's next byte that is not whitespace, as the reader would after
        // parsing the refused number itself (or stepping over a full batch's or row's end).
        size_t next = position + (stop == CK_JSON_ROW_REFUSED || written == 0);
        while (next < count && bytes[next] != ',') next++;
        next++;
        while (next < count && is_space(bytes[next])) next++;
        p = next;
    }
    free(out);
    return calls;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2 || size > 1 << 16) return 0;
    // The first byte picks the batch's room (1–64 Floats, or plenty), the rest is the row.
    size_t capacity = data[0] < 192 ? (size_t)(data[0] % 64) + 1 : size;
    // The row follows its `[`, as in every document the reader passes (the kernel reads the byte
    // before a number).
    size_t count = size;
    uint8_t *bytes = malloc(count);
    bytes[0] = '[';
    memcpy(bytes + 1, data + 1, count - 1);
    static size_t traces[4][3 * 4096];
    ck_json_row_isa best = ck_json_detect_row_isa();
    row_kernel kernels[4] = {ck_json_parse_float_row_sse2, ck_json_parse_float_row_ssse3, ck_json_parse_float_row_avx2,
                             ck_json_parse_float_row_avx512};
    const char *names[4] = {"sse2", "ssse3", "avx2", "avx512"};
    size_t calls[4] = {0};
    for (int k = 0; k < 4 && k + 1 <= (int)best; k++)
        calls[k] = run(kernels[k], bytes, count, capacity, names[k], traces[k], 3 * 4096);
    if (best == CK_JSON_ROW_AVX512 &&
        (calls[2] != calls[3] || memcmp(traces[2], traces[3], sizeof(size_t) * 3 * calls[2]) != 0)) {
        fprintf(stderr, "avx2 and avx512 builds stop at different places\n");
        abort();
    }
    free(bytes);
    return 0;
}
