"""Does a durable one-element PATCH cost more on a bigger model? Two models whose edited bias is
the same size (4096 floats): one linear 4096→4096 layer (16.8M parameters) and sixteen of them
(268M). Their PATCHes (`Prefer: return=minimal`) alternate on one connection, so drift in the
disk and the machine hits both alike; prints each model's p50 and their ratio.

Usage: python3 bench/storage/patch_by_model_size.py PARAMD_BINARY [ROUNDS=600]
(the data directory is a temporary folder beside this machine's other benchmarks: /var/tmp)
"""
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

MODELS = (("one-layer", 1), ("sixteen-layers", 16))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spec(layers):
    modules = []
    for index in range(layers):
        modules.append({"type": "linear", "in": 4096, "out": 4096})
        if index < layers - 1:
            modules.append({"type": "relu"})
    return {"type": "sequential", "layers": modules}


def call(connection, method, path, body, headers=None):
    headers = {"Content-Type": "application/json", **(headers or {})}
    connection.request(method, path, body=json.dumps(body).encode(), headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def main():
    binary, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 600
    data, port = tempfile.mkdtemp(prefix="paramd-patch-size-", dir="/var/tmp"), free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--data-dir", data], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                connection.request("GET", "/readyz")
                ready = connection.getresponse()
                ready.read()
                if ready.status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        for name, layers in MODELS:
            assert call(connection, "POST", "/v1/models", {"name": name, "spec": spec(layers), "seed": 0}) == 201
        timings = {name: [] for name, _ in MODELS}
        for index in range(rounds):
            for name, _ in MODELS:
                start = time.perf_counter()
                status = call(connection, "PATCH", f"/v1/models/{name}/parameters/0.bias",
                              {"op": "set", "index": [index % 4096], "value": 1.5}, {"Prefer": "return=minimal"})
                timings[name].append(time.perf_counter() - start)
                assert status == 204, status
        small, large = (statistics.median(timings[name]) for name, _ in MODELS)
        print(f"PATCH p50, interleaved, {rounds} each: 16.8M parameters {small * 1e3:.3f} ms,"
              f" 268M parameters {large * 1e3:.3f} ms, ratio {large / small:.3f}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
