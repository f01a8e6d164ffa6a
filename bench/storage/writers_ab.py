"""Two paramd builds side by side: durable writes per second of 16 concurrent writers and of one,
each writer a lean_client connection PATCHing one element of the same 16.8M-parameter model's
bias in a loop, answered with the whole parameter and with `Prefer: return=minimal`. The builds
take turns (which goes first alternates by round), so drift hits both alike; a throughput is a
mean over its window, so read the spread between rounds too.

Usage: python3 bench/storage/writers_ab.py BINARY_A BINARY_B [ROUNDS=3]
"""
import os
import shutil
import sys
import tempfile
import threading
import time

from lean_client import LeanClient
from storage_bench import Server

MINIMAL = ("Prefer: return=minimal",)


def rate(server, writers, seconds, headers=()):
    counts = [0] * writers
    stop = time.perf_counter() + seconds

    def run(index):
        client = LeanClient(server.port)
        while time.perf_counter() < stop:
            body = LeanClient.json_body({"op": "set", "index": [index], "value": counts[index] + 0.5})
            client.exchange(client.prepare("PATCH", "/v1/models/m/parameters/bias", body, headers))
            counts[index] += 1
        client.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def main():
    binaries, rounds = sys.argv[1:3], int(sys.argv[3]) if len(sys.argv) > 3 else 3
    work = tempfile.mkdtemp(prefix="paramd-writers-ab-", dir="/var/tmp")
    servers = []
    try:
        for index, binary in enumerate(binaries):
            servers.append(Server(binary, os.path.join(work, f"data-{index}")))
            servers[-1].wait_ready()
            client = LeanClient(servers[-1].port)
            client.exchange(client.prepare("POST", "/v1/models", LeanClient.json_body(
                {"name": "m", "seed": 1, "spec": {"type": "linear", "in": 4096, "out": 4096}})))
        print("durable writes/s: whole answer 16 writers, 1 writer; minimal answer 16 writers, 1 writer")
        pairs = list(zip(binaries, servers))
        for index in range(rounds):
            for binary, server in pairs if index % 2 == 0 else reversed(pairs):
                figures = (rate(server, 16, 3), rate(server, 1, 2), rate(server, 16, 3, MINIMAL), rate(server, 1, 2, MINIMAL))
                print(f"round {index} {binary}: " + " ".join(f"{figure:6.0f}" for figure in figures), flush=True)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
