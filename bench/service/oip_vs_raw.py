"""The Open Inference Protocol cases of the service benchmark (oip_vs_raw.sh): binary /v2 infer
against /v1 forward with raw float32, the same batch on the same paramd.

Usage: python oip_vs_raw.py check WORK_DIR URL      exit 1 unless /v2 gives /v1's bits for each batch
       python oip_vs_raw.py cpu WORK_DIR URL PID    the server's CPU time per request of each route
       python oip_vs_raw.py report WORK_DIR         prints the wrk table from WORK_DIR/oip-results.jsonl
"""
import glob
import http.client
import json
import sys
import urllib.request

import numpy as np

TAGS = {"b64": 64, "b256": 256}
OCTET = "application/octet-stream"
TARGET = 0.90  # /v2 binary infer's request rate at least 90% of /v1 raw forward's


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return dict(response.headers), response.read()


def request(work, route, tag):
    """The (path, body, headers) of one benchmarked request."""
    if route == "raw":
        return ("/v1/models/mlp/forward", open(f"{work}/bodies/forward-{tag}.f32", "rb").read(),
                {"Content-Type": OCTET, "Accept": OCTET, "Tensor-Shape": f"{TAGS[tag]},784"})
    return ("/v2/models/mlp/infer", open(f"{work}/bodies/infer-{tag}.bin", "rb").read(),
            {"Inference-Header-Content-Length": open(f"{work}/bodies/infer-{tag}.length").read()})


def check(work, base):
    ok = True
    for tag, rows in TAGS.items():
        path, body, headers = request(work, "raw", tag)
        _, raw = post(base + path, body, headers)
        path, body, headers = request(work, "oip", tag)
        headers, body = post(base + path, body, headers)
        split = int({k.lower(): v for k, v in headers.items()}["inference-header-content-length"])
        answer = json.loads(body[:split])
        same = answer["outputs"][0]["shape"] == [rows, 10] and body[split:] == raw
        print(f"  /v2 infer {tag} binary vs /v1 forward raw: {'same bits' if same else 'FAIL: outputs differ'}")
        ok &= same
    return ok


def server_cpu_ns(pid):
    """CPU time of every thread of the server so far, in ns (/proc/PID/task/*/schedstat)."""
    return sum(int(open(path).read().split()[0]) for path in glob.glob(f"/proc/{pid}/task/*/schedstat"))


def cpu(work, base, pid, blocks=8, per_block=40):
    """Server CPU per request with nothing queued: one connection, sequential requests, blocks
    of each route alternating (raw, oip, oip, raw, ...), the server's CPU time read around each
    block with nanosecond resolution. Queueing, scheduling of 16 connections and the machine's
    other load move the request rate far more than they move this."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    lines = []
    for tag, rows in TAGS.items():
        spent = {"raw": 0, "oip": 0}
        for block in range(blocks):
            for route in ("raw", "oip") if block % 2 == 0 else ("oip", "raw"):
                path, body, headers = request(work, route, tag)
                before = server_cpu_ns(pid)
                for _ in range(per_block):
                    connection.request("POST", path, body, headers)
                    response = connection.getresponse()
                    response.read()
                    assert response.status == 200, f"{route} {tag}: {response.status}"
                spent[route] += server_cpu_ns(pid) - before
        raw, oip = (spent[route] / (blocks * per_block) / 1000 for route in ("raw", "oip"))
        lines.append(f"batch {rows}: server CPU per request, sequential: /v1 raw {raw:.0f} µs, /v2 binary {oip:.0f} µs,"
                     f" /v2 / /v1 {oip / raw:.3f}×")
    print("\n".join(lines))


def report(work):
    rounds = {}
    for line in open(f"{work}/oip-results.jsonl"):
        row = json.loads(line)
        rounds.setdefault(row["label"], []).append(row)

    def pooled(label):
        parts = rounds[label]
        requests = sum(p["requests"] for p in parts)
        seconds = sum(p["duration_us"] for p in parts) / 1e6
        failures = sum(p["not_200"] + p["errors_status"] + p["errors_read"] + p["errors_connect"] for p in parts)
        p50 = sum(p["p50_us"] * p["requests"] for p in parts) / max(requests, 1)
        p99 = sum(p["p99_us"] * p["requests"] for p in parts) / max(requests, 1)
        return {"rps": requests / seconds, "p50": p50 / 1000, "p99": p99 / 1000, "failures": failures}

    print(f"{'case':<10} {'route':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    print("-" * 78)
    verdicts = []
    for tag, rows in TAGS.items():
        raw, oip = pooled(f"raw/{tag}"), pooled(f"oip/{tag}")
        for name, row in (("/v1/.../forward, raw float32 in/out", raw), ("/v2/.../infer, binary in/out", oip)):
            label = f"batch {rows}" if row is raw else ""
            print(f"{label:<10} {name:<40} {row['rps']:>9.1f} {row['p50']:>8.2f} {row['p99']:>8.2f}")
        ratio = oip["rps"] / raw["rps"]
        verdicts.append(f"batch {rows}: /v2 / /v1 req/s {ratio:.3f}×  (target ≥ {TARGET:.2f}×: {'met' if ratio >= TARGET else 'MISSED'})")
        if raw["failures"] or oip["failures"]:
            verdicts.append(f"  WARNING batch {rows}: failed requests raw={raw['failures']} oip={oip['failures']}")
    print("\n".join(verdicts))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    elif sys.argv[1] == "cpu":
        cpu(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        report(sys.argv[2])
