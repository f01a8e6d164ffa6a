// Per-thread packing buffers: allocated on first use, grown when a larger gemm needs more,
// reused by every later call on that thread, freed by the thread-exit destructor.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "ck_internal.h"

enum { SLOTS = 4 };

typedef struct {
    float *ptr[SLOTS];
    size_t capacity[SLOTS];
} ck_scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_destroy(void *p) {
    ck_scratch *s = p;
    for (int i = 0; i < SLOTS; i++) free(s->ptr[i]);
    free(s);
}

static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_destroy); }

static void scratch_out_of_memory(size_t bytes) {
    fprintf(stderr, "Kernels: cannot allocate %zu bytes of gemm packing buffer\n", bytes);
    abort();
}

float *ck_scratch_floats(int slot, size_t count) {
    pthread_once(&scratch_once, scratch_make_key);
    ck_scratch *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) scratch_out_of_memory(sizeof *s);
        pthread_setspecific(scratch_key, s);
    }
    if (s->capacity[slot] < count) {
        free(s->ptr[slot]);
        size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
        s->ptr[slot] = aligned_alloc(64, bytes);
        if (!s->ptr[slot]) scratch_out_of_memory(bytes);
        s->capacity[slot] = count;
    }
    return s->ptr[slot];
}

float *ck_shared_pack_buffer(size_t floats) { return ck_scratch_floats(2, floats); }

float *ck_conv_scratch(size_t floats) { return ck_scratch_floats(3, floats); }
