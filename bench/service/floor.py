"""The parts of a JSON forward request's cost on one server, measured one request at a time
(nothing queues): the Python-default JSON body beside the same batch sent as raw float32 (the
same HTTP exchange, gemm and response, without the JSON parse and with 4.7 times fewer bytes),
and an empty exchange (GET /healthz). Per request: the fastest round trip, and the server's CPU
time (from /proc/PID/schedstat, summed over all its threads, divided by the requests), which
other load on the machine disturbs far less than wall time and which bounds the throughput of
a server on one core. floor.sh runs it on paramd and on the peer.

Usage: python floor.py BODIES_DIR URL PID [COUNT]
  BODIES_DIR: workload.py's output (create.json, forward-b1/b64.json and .f32); URL, PID: a
  server without the model `mlp` (it is created here). COUNT sequential requests a case
  (default 201), after 10 unmeasured ones.
"""
import glob
import http.client
import sys
import urllib.parse

import service_time


def round_trips(connection, method, path, body, headers, count):
    """service_time.round_trips, every request required to answer 200."""
    times, statuses = service_time.round_trips(connection, method, path, body, headers, count)
    if statuses != {200}:
        sys.exit(f"{method} {path}: statuses {sorted(statuses)}")
    return times


def cpu_seconds(pid):
    """CPU time of every thread of process `pid` so far (schedstat's first field, nanoseconds)."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            total += int(open(path).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total / 1e9


def main(bodies, url, pid, count):
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    connection.request("POST", "/v1/models", open(f"{bodies}/create.json", "rb").read(),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status not in (200, 201):
        sys.exit(f"creating the model: status {response.status}")
    forward = "/v1/models/mlp/forward"
    cases = [("empty exchange (GET /healthz)", "GET", "/healthz", None, {})]
    for tag, batch in (("b1", 1), ("b64", 64)):
        json_body = open(f"{bodies}/forward-{tag}.json", "rb").read()
        raw_body = open(f"{bodies}/forward-{tag}.f32", "rb").read()
        cases.append((f"forward {tag}, Python-default JSON ({len(json_body)} B)", "POST", forward, json_body,
                      {"Content-Type": "application/json"}))
        cases.append((f"forward {tag}, raw float32 ({len(raw_body)} B)", "POST", forward, raw_body,
                      {"Content-Type": "application/octet-stream", "Tensor-Shape": f"{batch},784"}))
    print(f"{'request':<52} {'min µs':>9} {'median µs':>10} {'server CPU µs':>14}")
    for title, method, path, body, headers in cases:
        round_trips(connection, method, path, body, headers, 10)  # warm-up
        before = cpu_seconds(pid)
        times = round_trips(connection, method, path, body, headers, count)
        cpu = (cpu_seconds(pid) - before) / count
        print(f"{title:<52} {times[0] * 1e6:9.1f} {times[count // 2] * 1e6:10.1f} {cpu * 1e6:14.1f}")
    connection.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 201)
