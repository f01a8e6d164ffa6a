#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>

/// Registers, changes or removes `fd` in an epoll set with a 64-bit token.
/// `struct epoll_event` is packed on x86-64, which Swift imports awkwardly: this keeps it in C.
static inline int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

/// Waits for readiness and unpacks the events into two parallel arrays of `capacity` slots.
static inline int csystem_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int capacity, int timeoutMilliseconds) {
    struct epoll_event buffer[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epfd, buffer, capacity, timeoutMilliseconds);
    for (int index = 0; index < count; index++) {
        tokens[index] = buffer[index].data.u64;
        events[index] = buffer[index].events;
    }
    return count;
}

/// Names `thread` (at most 15 bytes are kept), as `top -H`, `perf` and
/// /proc/PID/task/TID/comm show it: `pthread_setname_np` is a GNU extension the Glibc module
/// does not expose. Called by the creating thread, so the name is set before it returns.
int csystem_name_thread(pthread_t thread, const char *name);

/// `accept4` is a GNU extension the Glibc module does not always expose.
int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/// `sendmsg` over an iovec array with MSG_NOSIGNAL, so a closed peer yields EPIPE, not SIGPIPE.
static inline ssize_t csystem_writev_nosignal(int fd, const struct iovec *vectors, int count) {
    struct msghdr message = {0};
    message.msg_iov = (struct iovec *)vectors;
    message.msg_iovlen = (size_t)count;
    return sendmsg(fd, &message, MSG_NOSIGNAL);
}

/// Cores in the calling thread's affinity mask (sched_getaffinity needs _GNU_SOURCE), 0 on failure.
int csystem_affinity_core_count(void);

/// Starts writing `count` bytes of `fd` from `offset` back to the device without waiting
/// (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`, which glibc declares only under
/// `_GNU_SOURCE`): a large file's write-back then runs while the rest is still being written,
/// and the closing fsync has little left to wait for. Not a durability barrier by itself.
int csystem_start_writeback(int fd, int64_t offset, int64_t count);

/// Fixes glibc's threshold above which a block is mapped on its own and unmapped when freed
/// (`mallopt(M_MMAP_THRESHOLD)`, from <malloc.h>, which the Glibc module leaves out); fixing it
/// also stops glibc from raising it after each large free. Returns 0 where that is unavailable.
int csystem_fix_mmap_threshold(int bytes);

/// libFuzzer's entry for programs that keep their own `main` (SwiftPM names every executable's
/// main itself). Declared only: it resolves in builds made with `-sanitize=fuzzer`, the only ones
/// that call it (Fuzz/HTTPParserFuzz).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
