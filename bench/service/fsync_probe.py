"""Measures what bounds a durable write on this disk, in the directory the servers write to.

Two loops of a fixed duration each:
  fsync        rewrite 4 KiB of one file and fsync it (the floor for any durable write)
  replace      the full durable replace paramd and the peer do for a write: write a temp file of
               SIZE bytes, fsync it, rename it over the old one, fsync the directory
Usage: python fsync_probe.py DIR SIZE_BYTES SECONDS     prints one JSON line
"""
import json
import os
import sys
import time


def run(seconds, step):
    latencies = []
    end = time.perf_counter() + seconds
    while (start := time.perf_counter()) < end:
        step()
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    total = sum(latencies)
    return {"rate": len(latencies) / total, "p50_ms": latencies[len(latencies) // 2] * 1e3,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1e3, "count": len(latencies)}


def main(directory, size, seconds):
    os.makedirs(directory, exist_ok=True)
    small = os.path.join(directory, "probe-small")
    fd = os.open(small, os.O_WRONLY | os.O_CREAT, 0o644)
    block = os.urandom(4096)

    def fsync_step():
        os.pwrite(fd, block, 0)
        os.fsync(fd)

    payload = os.urandom(size)
    target = os.path.join(directory, "probe-state")

    def replace_step():
        temp = target + ".tmp"
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(out, payload)
        os.fsync(out)
        os.close(out)
        os.replace(temp, target)
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        os.fsync(dir_fd)
        os.close(dir_fd)

    result = {"fsync_4k": run(seconds, fsync_step), "replace": run(seconds, replace_step), "replace_bytes": size}
    os.close(fd)
    for path in (small, target):
        os.unlink(path)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
