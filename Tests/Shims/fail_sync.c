// An LD_PRELOAD shim for the fault-injection tests: while the file named by
// PARAMD_FAULT_FILE exists, fsync and fdatasync fail with the errno it names ("ENOSPC" or,
// by default, EIO), as a failing disk or a full thin-provisioned volume makes them fail.
// Otherwise they go straight to the kernel.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int injected_error(void) {
    const char *path = getenv("PARAMD_FAULT_FILE");
    if (path == NULL) return 0;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[16] = {0};
    long count = syscall(SYS_read, fd, text, sizeof text - 1);
    syscall(SYS_close, fd);
    return count > 0 && strncmp(text, "ENOSPC", 6) == 0 ? ENOSPC : EIO;
}

static int sync_call(long number, int fd) {
    int error = injected_error();
    if (error != 0) {
        errno = error;
        return -1;
    }
    return (int)syscall(number, fd);
}

int fsync(int fd) { return sync_call(SYS_fsync, fd); }
int fdatasync(int fd) { return sync_call(SYS_fdatasync, fd); }
