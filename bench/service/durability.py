"""Verifies that a server's acknowledged PATCH really reaches the disk, by counting the sync
system calls it makes while it serves a fixed number of sequential PATCHes (untimed).

One client, one request at a time: no write can share another's fsync, so a server whose 200
means "durable" must make at least one fsync/fdatasync per request (and, replacing a file, one
rename). Uses strace attached to every thread of the running server.

Usage: python durability.py URL PID PATH BODY_FILE COUNT     prints one JSON line
"""
import http.client
import json
import re
import signal
import subprocess
import sys
import time
import urllib.parse

SYNCS = ("fsync", "fdatasync", "sync_file_range", "syncfs", "msync")
RENAMES = ("rename", "renameat", "renameat2")


def main(url, pid, path, body_file, count):
    tracer = subprocess.Popen(
        ["strace", "-f", "-c", "-e", "trace=" + ",".join(SYNCS + RENAMES), "-p", pid],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # attaching to every thread takes a moment
    body = open(body_file, "rb").read()
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    statuses = []
    for _ in range(count):
        connection.request("PATCH", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()
    time.sleep(0.3)
    tracer.send_signal(signal.SIGINT)
    _, report = tracer.communicate(timeout=30)
    calls = {}
    for line in report.splitlines():
        fields = line.split()
        # strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall
        if fields and fields[-1] in SYNCS + RENAMES and re.fullmatch(r"\d+", fields[3]):
            calls[fields[-1]] = int(fields[3])
    acknowledged = sum(1 for s in statuses if s == 200)
    syncs = sum(calls.get(name, 0) for name in SYNCS)
    renames = sum(calls.get(name, 0) for name in RENAMES)
    print(json.dumps({"requests": count, "acknowledged": acknowledged, "syncs": syncs,
                      "renames": renames, "calls": calls,
                      "traced": "attached" in report}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
