"""Two paramd builds side by side: durable one-element PATCHes (`Prefer: return=minimal` and the
whole parameter answered) against the same 4 KiB append+fsync probe and GET /healthz, every kind
of request on each server in turn in each round (the first server alternating), so drift in the
disk and the machine hits both builds alike. Each server holds one model `linear 4096→4096`
(16.8M parameters) in a data directory on the same file system. Prints each build's p50s and
the ratios.

Usage: python3 bench/storage/patch_ab.py BINARY_A BINARY_B [ROUNDS=400]
(data directories in a temporary folder under /var/tmp, on the disk the other benchmarks use)
"""
import statistics
import sys
import time

from lean_client import LeanClient
from storage_bench import AppendProbe, servers_with_a_model


def main():
    binaries, rounds = sys.argv[1:3], int(sys.argv[3]) if len(sys.argv) > 3 else 400
    with servers_with_a_model(binaries, "paramd-patch-ab-") as (servers, work):
        clients = [LeanClient(server.port) for server in servers]
        probe = AppendProbe(work)
        healthz = clients[0].prepare("GET", "/healthz")
        path = "/v1/models/m/parameters/bias"
        kinds = ("minimal", "full", "healthz")
        timings = [{kind: [] for kind in kinds} for _ in clients]
        probe_times = []
        clock = time.perf_counter
        for index in range(rounds):
            # Distinct values: a PATCH that changes nothing stores nothing.
            bodies = [LeanClient.json_body({"op": "set", "index": [index % 4096], "value": index + offset})
                      for offset in (0.25, 0.5)]
            # Which build goes first alternates: a request just after the probe's fsync is slower
            # than one after another request (without alternating, whichever build went second
            # was 2-5x slower in both runs).
            pairs = list(zip(clients, timings))
            for client, times in pairs if index % 2 == 0 else reversed(pairs):
                requests = (client.prepare("PATCH", path, bodies[0], ("Prefer: return=minimal",)),
                            client.prepare("PATCH", path, bodies[1]), healthz)
                for kind, prepared in zip(kinds, requests):
                    start = clock()
                    client.exchange(prepared)
                    times[kind].append(clock() - start)
                start = clock()
                probe()
                probe_times.append(clock() - start)
        probe_p50 = statistics.median(probe_times)
        print(f"probe (4 KiB append+fsync) p50 {probe_p50 * 1e3:.3f} ms; {rounds} rounds; p50s in ms, ratio to the probe")
        for binary, times in zip(binaries, timings):
            minimal, full, health = (statistics.median(times[kind]) for kind in kinds)
            print(f"{binary}: minimal {minimal * 1e3:.3f} ({minimal / probe_p50:.2f}x), full {full * 1e3:.3f}"
                  f" ({full / probe_p50:.2f}x), healthz {health * 1e3:.3f};"
                  f" (minimal - healthz) / probe {(minimal - health) / probe_p50:.2f}")
        probe.close()


if __name__ == "__main__":
    main()
