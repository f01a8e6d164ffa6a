"""The parts of a JSON forward request's cost on one server, measured one request at a time
(nothing queues): the Python-default JSON body beside the same batch sent as raw float32 (the
same HTTP exchange, gemm and response, without the JSON parse and with 4.7 times fewer bytes),
the short compact body at batch 1, the Python-default bodies and an empty body POSTed to GET /healthz
(405: their difference is what the body adds to an HTTP exchange), and an empty exchange (GET /healthz). Per request: the fastest round trip, and the server's CPU
time (from /proc/PID/schedstat, summed over all its threads, divided by the requests), which
other load on the machine disturbs far less than wall time and which bounds the throughput of
a server on one core. floor.sh runs it on paramd and on the peer.

Usage: python floor.py BODIES_DIR URL PID [COUNT [OUT_JSON]]
  BODIES_DIR: workload.py's output (create.json, forward-b1/b64.json and .f32); URL, PID: a
  server (the model `mlp` is created here unless it exists). COUNT sequential requests a case
  (default 201), after 10 unmeasured ones. OUT_JSON: the figures by case, for ceiling.py.
"""
import glob
import http.client
import json
import sys
import urllib.parse

import service_time


def round_trips(connection, method, path, body, headers, count, status=200):
    """service_time.round_trips, every request required to answer `status`."""
    times, statuses = service_time.round_trips(connection, method, path, body, headers, count)
    if statuses != {status}:
        sys.exit(f"{method} {path}: statuses {sorted(statuses)}")
    return times


def thread_cpu_ns(pid):
    """CPU time of each live thread of process `pid` so far, by thread id (schedstat's first
    field, nanoseconds)."""
    times = {}
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            times[path.split("/")[-2]] = int(open(path).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return times


def cpu_seconds_between(before, after):
    """CPU seconds spent between two thread_cpu_ns snapshots. A thread that ended in between
    counts up to its last reading (its time vanishes from /proc with it: summing the live
    threads alone once gave a negative figure); one that started counts from zero."""
    return sum(after.get(tid, before.get(tid, 0)) - before.get(tid, 0) for tid in before.keys() | after.keys()) / 1e9


def minor_faults(pid):
    """Minor page faults of process `pid` so far, all threads (/proc/PID/stat's tenth field)."""
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[7])


def cases(bodies):
    """(key, title, method, path, body, headers, expected status) of every measured request."""
    forward = "/v1/models/mlp/forward"
    json_type = {"Content-Type": "application/json"}
    out = [("empty", "empty exchange (GET /healthz)", "GET", "/healthz", None, {}, 200),
           ("refused", "POST /healthz, empty body (405)", "POST", "/healthz", b"", json_type, 405)]
    compact = open(f"{bodies}/forward-short-compact-b1.json", "rb").read()
    out.append(("b1_compact", f"forward b1, short compact JSON ({len(compact)} B)", "POST", forward, compact,
                json_type, 200))
    for tag, batch in (("b1", 1), ("b64", 64)):
        json_body = open(f"{bodies}/forward-{tag}.json", "rb").read()
        raw_body = open(f"{bodies}/forward-{tag}.f32", "rb").read()
        out.append((f"{tag}_json", f"forward {tag}, Python-default JSON ({len(json_body)} B)", "POST", forward,
                    json_body, json_type, 200))
        out.append((f"{tag}_raw", f"forward {tag}, raw float32 ({len(raw_body)} B)", "POST", forward, raw_body,
                    {"Content-Type": "application/octet-stream", "Tensor-Shape": f"{batch},784"}, 200))
        # The same bytes POSTed to GET /healthz: both servers take the body in and answer 405 on
        # their loop. Less the empty POST's 405, what the body adds to an exchange (ceiling.py).
        # (A forward of an absent model, used before, is placed on paramd's pool while the model's
        # size is unknown, and answers a problem document: a thread hop and a 404 besides.)
        out.append((f"{tag}_trivial", f"the {tag} JSON body to POST /healthz (405)", "POST", "/healthz",
                    json_body, json_type, 405))
    return out


def main(bodies, url, pid, count, out_path=None):
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    connection.request("POST", "/v1/models", open(f"{bodies}/create.json", "rb").read(),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    if response.status not in (200, 201, 409):  # 409: run.sh made it (and set its weights) already
        sys.exit(f"creating the model: status {response.status}")
    results = {}
    print(f"{'request':<52} {'min µs':>9} {'median µs':>10} {'server CPU µs':>14} {'page faults':>12}")
    for key, title, method, path, body, headers, status in cases(bodies):
        round_trips(connection, method, path, body, headers, 10, status)  # warm-up
        before, faults = thread_cpu_ns(pid), minor_faults(pid)
        times = round_trips(connection, method, path, body, headers, count, status)
        cpu = cpu_seconds_between(before, thread_cpu_ns(pid)) / count
        faults = (minor_faults(pid) - faults) / count
        results[key] = {"cpu_us": cpu * 1e6, "min_us": times[0] * 1e6, "bytes": len(body or b"")}
        print(f"{title:<52} {times[0] * 1e6:9.1f} {times[count // 2] * 1e6:10.1f} {cpu * 1e6:14.1f} {faults:12.1f}")
    connection.close()
    if out_path:
        with open(out_path, "w") as out:
            json.dump(results, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 201,
         sys.argv[5] if len(sys.argv) > 5 else None)
