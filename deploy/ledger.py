"""Acknowledged writes recorded in a ledger, then checked after a crash: paramd acknowledges a
write only once it is durable, so after SIGKILL and a restart every acknowledged write must be
there.

    python3 deploy/ledger.py write  --url URL --token-file F --ledger FILE [--writers 4 --count 1024]
    python3 deploy/ledger.py verify --url URL --token-file F --ledger FILE [--listing-before FILE]

`write` creates the model `ledger` (one linear layer whose bias has --count elements) and sets
element i to i + 1 with one PATCH each, from --writers concurrent connections (so group commit
takes part); each 200 is appended to the ledger as "i value version" before the next write of
that connection. A writer stops at its first failed request: that write was in flight, and is
not in the ledger. Bounded by --count and --deadline seconds.

`verify` reads the bias back and checks every ledger line, and that the model's version is at
least the highest acknowledged one; with --listing-before, that every model of an earlier
GET /v1/models is still listed at the same version.
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

MODEL = "ledger"
BIAS = f"/v1/models/{MODEL}/parameters/0.bias"


class Server:
    """One keep-alive HTTP connection to paramd, with the bearer token on every request."""

    def __init__(self, url: str, token_file: str | None, timeout: float = 10) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.headers = {"Content-Type": "application/json"}
        if token_file:
            self.headers["Authorization"] = "Bearer " + Path(token_file).read_text().split("\n")[0].strip()

    def request(self, method: str, path: str, body: object | None = None) -> tuple[int, dict[str, str], bytes]:
        payload = None if body is None else json.dumps(body).encode()
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def json(self, path: str) -> dict:
        status, _, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return json.loads(body)


def write(args: argparse.Namespace) -> int:
    spec = {"type": "sequential", "layers": [{"type": "linear", "in": 1, "out": args.count}]}
    status, _, body = Server(args.url, args.token_file).request("POST", "/v1/models", {"name": MODEL, "seed": 0, "spec": spec})
    if status != 201:
        print(f"ledger: creating the model gave {status} {body[:200]!r}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + args.deadline
    lock = threading.Lock()
    stopped: list[str] = []
    with open(args.ledger, "a", buffering=1) as ledger:

        def writer(first: int) -> None:
            server = Server(args.url, args.token_file)
            for index in range(first, args.count, args.writers):
                if time.monotonic() > deadline:
                    return
                try:
                    status, headers, body = server.request("PATCH", BIAS, {"op": "set", "index": [index], "value": index + 1})
                except (OSError, http.client.HTTPException) as error:
                    with lock:
                        stopped.append(f"write {index} in flight: {type(error).__name__}")
                    return
                if status != 200:
                    with lock:
                        stopped.append(f"write {index}: status {status} {body[:120]!r}")
                    return
                with lock:
                    ledger.write(f"{index} {index + 1} {headers['etag'].strip(chr(34))}\n")

        threads = [threading.Thread(target=writer, args=(first,)) for first in range(args.writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(json.dumps({"stopped": stopped}))
    return 0


def verify(args: argparse.Namespace) -> int:
    server = Server(args.url, args.token_file)
    # A replica that was not the one acknowledging answers after it caught up with the store.
    query = "?consistent=true" if args.consistent else ""
    values = server.json(BIAS + query)["value"]
    version = server.json(f"/v1/models/{MODEL}{query}")["version"]
    acknowledged = [tuple(int(field) for field in line.split()) for line in Path(args.ledger).read_text().splitlines()]
    lost = [(index, value) for index, value, _ in acknowledged if values[index] != value]
    newest = max((acked_version for _, _, acked_version in acknowledged), default=0)
    failures = []
    if not acknowledged:
        failures.append("the ledger is empty: no write was acknowledged before the kill")
    if lost:
        failures.append(f"{len(lost)} acknowledged writes lost, e.g. {lost[:5]} (index, value)")
    if version < newest:
        failures.append(f"version {version} is older than the acknowledged version {newest}")
    if args.listing_before:
        now = {model["name"]: model["version"] for model in server.json("/v1/models")["models"]}
        before = {model["name"]: model["version"] for model in json.loads(Path(args.listing_before).read_text())["models"]}
        changed = {name: (v, now.get(name)) for name, v in before.items() if now.get(name) != v}
        if changed:
            failures.append(f"models changed across the restart (before, after): {changed}")
    for failure in failures:
        print(f"ledger: {failure}", file=sys.stderr)
    if failures:
        return 1
    applied = sum(1 for index, value in enumerate(values, 1) if value == index)
    print(f"ledger: all {len(acknowledged)} acknowledged writes survived the kill (model at version {version} >= {newest}; "
          f"{applied - len(acknowledged)} unacknowledged in-flight writes were applied too)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["write", "verify"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file")
    parser.add_argument("--ledger", required=True, help="one acknowledged write per line")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--count", type=int, default=1024, help="writes in all, and the bias's length")
    parser.add_argument("--deadline", type=float, default=120, help="seconds before the writers stop")
    parser.add_argument("--consistent", action="store_true", help="verify: read with ?consistent=true (replicas)")
    parser.add_argument("--listing-before", help="a GET /v1/models answer saved before the kill")
    args = parser.parse_args()
    return write(args) if args.command == "write" else verify(args)


if __name__ == "__main__":
    sys.exit(main())
