"""Service time per request: one client, one request at a time, so nothing queues. With one
core per server, 1 / service time is the throughput ceiling the 16-connection run can reach;
the report sets the two side by side to show what bounds each figure.

Usage: python service_time.py WORK_DIR LABEL URL COUNT      appends JSON lines to WORK_DIR/service_time.jsonl
"""
import http.client
import json
import sys
import time
import urllib.parse

import workload

JSON = {"Content-Type": "application/json"}
RAW = {"Content-Type": "application/octet-stream", "Accept": "application/octet-stream", "Tensor-Shape": "256,784"}
CASES = {  # key: method, path, body file, headers — the same requests as the wrk cases in run.sh
    "get": ("GET", "/v1/models/mlp/parameters/4.weight", None, {}),
    "fwd_b1": ("POST", "/v1/models/mlp/forward", "forward-b1.json", JSON),
    "fwd_b64": ("POST", "/v1/models/mlp/forward", "forward-b64.json", JSON),
    "fwd_b256": ("POST", "/v1/models/mlp/forward", "forward-b256.f32", RAW),
    "patch": ("PATCH", "/v1/models/mlp/parameters/4.weight", "patch.json", JSON),
}
# The other client payload families' forward bodies (run.sh's fwd_FAMILY_bN cases).
for _tag in workload.JSON_FORWARD_TAGS[2:]:
    _family, _batch = _tag.rsplit("-", 1)
    CASES[f"fwd_{_family}_{_batch}"] = ("POST", "/v1/models/mlp/forward", f"forward-{_tag}.json", JSON)


def round_trips(connection, method, path, body, headers, count):
    """Sorted round-trip times in seconds of `count` sequential identical requests, and the set
    of statuses they got."""
    latencies, statuses = [], set()
    for _ in range(count):
        start = time.perf_counter()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        statuses.add(response.status)
    return sorted(latencies), statuses


def main(work, label, url, count):
    target = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    with open(f"{work}/service_time.jsonl", "a") as out:
        for key, (method, path, body_file, headers) in CASES.items():
            body = open(f"{work}/bodies/{body_file}", "rb").read() if body_file else None
            latencies, statuses = round_trips(connection, method, path, body, headers, count)
            out.write(json.dumps({"label": f"{label}/{key}", "median_us": latencies[count // 2] * 1e6,
                                  "min_us": latencies[0] * 1e6, "statuses": sorted(statuses)}) + "\n")
    connection.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
