"""The measurements of bench/replicas/run.sh (read its header). Prints one block per figure."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "python"))
from postgres_server import PostgresServer  # noqa: E402

BIN = os.environ["BENCH_PARAMD_BIN"]
DURATION = int(os.environ.get("BENCH_DURATION", "6"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WRITES = int(os.environ.get("BENCH_VISIBILITY_WRITES", "300"))
LUA = ROOT / "bench" / "service" / "request.lua"
MLP = {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}
started: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_replica(url: str) -> str:
    port = free_port()
    process = subprocess.Popen(
        [BIN, "--host", "127.0.0.1", "--port", str(port), "--store", url, "--log-level", "warning", "--threads", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started.append(process)
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(address + "/readyz", timeout=1).status_code == 200:
                return address
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise RuntimeError("a replica did not become ready")


def start_nginx(upstreams: list[str], scratch: Path) -> str:
    port = free_port()
    servers = "\n".join(f"server {u.removeprefix('http://')};" for u in upstreams)
    conf = scratch / f"nginx-{port}.conf"
    conf.write_text(f"""
worker_processes 1;
pid {scratch}/nginx-{port}.pid;
error_log {scratch}/nginx-{port}.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {scratch}/body-{port};
  proxy_temp_path {scratch}/proxy-{port};
  upstream paramd {{ {servers} keepalive 64; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://paramd; proxy_http_version 1.1; proxy_set_header Connection ""; }}
  }}
}}""")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    started.append(process)
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(address + "/healthz", timeout=1)
            return address
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


def wrk(url: str, method: str, body: bytes, connections: int, scratch: Path) -> float:
    body_file = scratch / "body.json"
    body_file.write_bytes(body)
    result = scratch / "wrk.json"
    result.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY_FILE": str(body_file),
           "BENCH_CONTENT_TYPE": "application/json", "BENCH_RESULT_FILE": str(result), "BENCH_LABEL": "x"}
    run = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{DURATION}s", "-s", str(LUA), url],
                         env=env, capture_output=True, text=True)
    line = json.loads(result.read_text().splitlines()[-1]) if result.exists() else None
    if line is None:
        raise RuntimeError(run.stdout + run.stderr)
    if line["not_200"] or line["errors_status"] or line["errors_timeout"]:
        print(f"    (not all answers were 200: {line})")
    return line["rps"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def visibility(a: str, b: str) -> None:
    requests.post(a + "/v1/models", json={"name": "vis", "spec": MLP, "seed": 0}).raise_for_status()
    seen: dict[int, float] = {}
    ready = threading.Event()

    def follow() -> None:
        with requests.get(b + "/v1/models/vis/events", stream=True, timeout=120) as stream:
            ready.set()
            for raw in stream.iter_lines():
                line = raw.decode()
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    if "version" in event:
                        seen.setdefault(event["version"], time.perf_counter())
                if max(seen, default=0) >= WRITES + 1:
                    return

    while requests.get(b + "/v1/models/vis").status_code != 200:
        time.sleep(0.01)
    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    ready.wait(10)
    session = requests.Session()
    acknowledged: dict[int, float] = {}
    for step in range(WRITES):
        response = session.put(a + "/v1/models/vis/parameters/2.bias", json={"value": [float(step)]})
        acknowledged[int(response.headers["ETag"].strip('"'))] = time.perf_counter()
        time.sleep(0.005)  # pacing between writes, not an ordering device: each sample is timed on its own
    thread.join(30)
    # B may jump several versions in one catch-up (one event for the last): version v is visible
    # at the first event of a version >= v.
    def visible(v: int) -> float | None:
        times = [t for version, t in seen.items() if version >= v]
        return min(times) if times else None

    delays = [max(0.0, visible(v) - t) * 1000 for v, t in acknowledged.items() if visible(v) is not None]
    print(f"visibility A->B (PUT acknowledged by A until B publishes that version or a later one), {len(delays)}/{WRITES} writes:")
    print(f"    p50 {percentile(delays, 50):.2f} ms  p90 {percentile(delays, 90):.2f} ms  p99 {percentile(delays, 99):.2f} ms  "
          f"max {max(delays):.2f} ms")
    # ?consistent=true: B answers with the write at once, however far behind its snapshot is.
    misses = 0
    times = []
    for step in range(100):
        session.put(a + "/v1/models/vis/parameters/2.bias", json={"value": [1000.0 + step]})
        t = time.perf_counter()
        value = session.get(b + "/v1/models/vis/parameters/2.bias", params={"consistent": "true"}).json()["value"]
        times.append((time.perf_counter() - t) * 1000)
        misses += value != [1000.0 + step]
    print(f"    ?consistent=true on B right after A acknowledged: {100 - misses}/100 saw the write; "
          f"GET p50 {percentile(times, 50):.2f} ms, p99 {percentile(times, 99):.2f} ms")


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="paramd-bench-replicas-"))
    os.chmod(scratch, 0o755)
    postgres = PostgresServer()
    try:
        url = postgres.url
        replicas = [start_replica(url) for _ in range(3)]
        print(f"PostgreSQL {postgres.sql('SHOW server_version')} (synchronous_commit {postgres.sql('SHOW synchronous_commit')}), "
              f"3 replicas, {os.cpu_count()} cores\n")
        visibility(replicas[0], replicas[1])

        requests.post(replicas[0] + "/v1/models", json={"name": "fwd", "spec": MLP, "seed": 0}).raise_for_status()
        for r in replicas:
            while requests.get(r + "/v1/models/fwd").status_code != 200:
                time.sleep(0.01)
        body = json.dumps({"inputs": [[0.1, 0.2, 0.3, 0.4]] * 8}).encode()
        nginx3 = start_nginx(replicas, scratch)
        nginx1 = start_nginx(replicas[:1], scratch)
        print(f"\nforward throughput (POST /v1/models/fwd/forward, batch 8, wrk -c{CONNECTIONS}, {DURATION} s):")
        direct = wrk(replicas[0] + "/v1/models/fwd/forward", "POST", body, CONNECTIONS, scratch)
        one = wrk(nginx1 + "/v1/models/fwd/forward", "POST", body, CONNECTIONS, scratch)
        three = wrk(nginx3 + "/v1/models/fwd/forward", "POST", body, CONNECTIONS, scratch)
        print(f"    one replica direct  {direct:9.0f} req/s")
        print(f"    nginx + 1 replica   {one:9.0f} req/s")
        print(f"    nginx + 3 replicas  {three:9.0f} req/s   ({three / one:.2f}x nginx + 1)")

        fsync = subprocess.run(
            ["runuser", "-u", "postgres", "--", str(postgres.bin / "pg_test_fsync"), "-s", "2", "-f", str(postgres.root / "fsync.probe")],
            capture_output=True, text=True).stdout
        match = re.search(r"fdatasync\s+([\d,.]+) ops/sec", fsync)
        fdatasync = float(match.group(1).replace(",", "")) if match else float("nan")
        patch = json.dumps({"op": "add", "value": 1.0}).encode()
        print(f"\ndurable PATCH (add to 2.bias) with 16 writers (wrk -c16, {DURATION} s):")
        requests.post(replicas[0] + "/v1/models", json={"name": "pat", "spec": MLP, "seed": 0}).raise_for_status()
        for r in replicas:
            while requests.get(r + "/v1/models/pat").status_code != 200:
                time.sleep(0.01)
        single = wrk(replicas[0] + "/v1/models/pat/parameters/2.bias", "PATCH", patch, 16, scratch)
        spread = wrk(nginx3 + "/v1/models/pat/parameters/2.bias", "PATCH", patch, 16, scratch)
        print(f"    one model, one replica       {single:8.0f} PATCH/s  (group commit: concurrent writers share a transaction)")
        print(f"    one model, 3 replicas+nginx  {spread:8.0f} PATCH/s  (version conflicts between replicas: catch up, re-apply)")
        print(f"    disk fdatasync (pg_test_fsync, one 8 kB write each)  {fdatasync:8.0f} /s: a commit waits for one WAL flush")
        return 0
    finally:
        for process in reversed(started):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
