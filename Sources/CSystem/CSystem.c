#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include "CSystem.h"

int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

int csystem_name_thread(pthread_t thread, const char *name) {
    char kept[16];
    snprintf(kept, sizeof(kept), "%s", name);  // pthread_setname_np refuses names over 15 bytes
    return pthread_setname_np(thread, kept);
}

#include <sched.h>

int csystem_affinity_core_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
