"""The storage figures of issue #10, each beside the physical limit it is held to, measured in
the same run on the same disk. Standard library only.

Usage: python3 storage_bench.py PARAMD_BINARY WORK_DIR     (bench/storage/run.sh calls it)

1. Durable PATCH of one element (p50 of sequential requests) for models of 1M, 33M and 268M
   parameters, against a 4 KiB append + fsync in the same directory, timed by the same loop,
   round-robin over the models, so drift hits every figure alike; GET /healthz beside them on
   the same connection, for the client's and HTTP's own share. The client is a raw socket
   (lean_client.py), so that the figures are the server's and the disk's, not Python's.
2. Throughput of 16 concurrent writers, each PATCHing one element of its own choosing of the
   same 33M model, and of one writer, for the group-commit gain.
3. Peak RSS (VmHWM, reset after loading) while serving a mix of GET (JSON, raw, ?values=true),
   PATCH, PUT of a small tensor, and forward, for N = 134 MB and 1 GB, against 1.25 N + 64 MB.
4. A 1 GB model and a 1 GB tensor: create against a 1 GB write+fsync; raw GETs against a
   plain loopback sender of the same bytes read by the same curl (with the server's CPU
   seconds per GB); peak RSS and rate of the state-dict and ONNX exports; start-up of the
   > 2 GB directory, cold (page cache dropped, as root) and warm, against a read loop over the
   same files into one buffer and into fresh memory of each file's size (what a load must fill).
"""
import atexit
import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from lean_client import LeanClient

MB = 1 << 20


def spec(width, layers):
    body = []
    for index in range(layers):
        if index:
            body.append({"type": "relu"})
        body.append({"type": "linear", "in": width, "out": width})
    return {"type": "sequential", "layers": body}


MODELS = [  # name, spec, parameters
    ("m1", spec(1000, 1), 1000 * 1000 + 1000),
    ("m33", spec(4096, 2), 2 * (4096 * 4096 + 4096)),
    ("m268", spec(4096, 16), 16 * (4096 * 4096 + 4096)),
]


class Server:
    def __init__(self, binary, data, extra=()):
        self.process = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", "--data-dir", data, "--log-level", "info", *extra],
            stderr=subprocess.PIPE, text=True)
        atexit.register(self.process.kill)  # a failed run leaves no server behind
        self.started = time.perf_counter()
        for line in self.process.stderr:
            if "listening" in line:
                self.port = int(line.split("port=")[1].split()[0].strip('"'))
                break
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def wait_ready(self):
        while True:
            try:
                connection = self.connect()
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.01)

    def peak_rss(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def reset_peak(self):
        with open(f"/proc/{self.process.pid}/clear_refs", "w") as refs:
            refs.write("5")

    def stop(self):
        self.process.terminate()
        self.process.wait()


def request(connection, method, path, body=None, headers=None, stream_to=None):
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    size = 0
    if stream_to is None:
        data = response.read()
        size = len(data)
    else:
        data = b""
        while chunk := response.read(1 << 20):
            size += len(chunk)
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return response, data, size


class AppendProbe:
    """The disk's limit for a commit: appending 4 KiB to a file in the data directory's
    file system and fsyncing it (the file grows, as a log does)."""

    def __init__(self, directory):
        self.fd = os.open(os.path.join(directory, "probe-append"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.block = os.urandom(4096)

    def __call__(self):
        os.write(self.fd, self.block)
        os.fsync(self.fd)

    def close(self):
        os.close(self.fd)


def section_patch(server, data, rounds=200):
    print(f"\n== 1. durable PATCH of one element vs a 4 KiB append+fsync (p50 of {rounds} each; in each round, for each"
          " model in turn: PATCH, PATCH with Prefer: return=minimal, probe, GET /healthz)")
    print("   A PATCH answers with the whole parameter (here a bias of 1000 or 4096 floats, 12-46 kB of JSON);")
    print("   with `Prefer: return=minimal` it answers 204 and the new ETag, so it costs what its commit costs.")
    print("   Timed with a raw-socket keep-alive client (lean_client.py): healthz p50 is its round trip with the")
    print("   server's HTTP path, so (PATCH - healthz) / probe is the server's write path against the disk's.")
    print(f"{'model':>8} {'params':>12} {'PATCH':>8} {'minimal':>8} {'probe':>8} {'healthz':>8}"
          f" {'PATCH/probe':>11} {'minimal/probe':>13} {'(PATCH-hz)/probe':>16} {'(minimal-hz)/probe':>18}"
          "  (p50s in ms; target ≤ 2.0)")
    # The models were just created (1.2 GB): their writeback would slow the first fsyncs.
    os.sync()
    probe = AppendProbe(data)
    client = LeanClient(server.port)
    healthz = client.prepare("GET", "/healthz")
    minimal_header = ("Prefer: return=minimal",)
    timings = {name: ([], [], [], []) for name, _, _ in MODELS}
    clock = time.perf_counter
    # Round-robin over the models, every kind in each round: drift in the disk and the machine
    # hits every row and column alike. Requests are built before their timed region.
    for index in range(rounds):
        for name, _, _ in MODELS:
            path = f"/v1/models/{name}/parameters/0.bias"
            full = client.prepare("PATCH", path, LeanClient.json_body(
                {"op": "set", "index": [index % 1000], "value": float(index)}))
            minimal = client.prepare("PATCH", path, LeanClient.json_body(
                {"op": "set", "index": [(index + 1) % 1000], "value": float(index)}), minimal_header)
            patch_times, minimal_times, probe_times, healthz_times = timings[name]
            start = clock()
            client.exchange(full)
            patched = clock()
            client.exchange(minimal)
            minimally = clock()
            probe()
            probed = clock()
            client.exchange(healthz)
            healthz_times.append(clock() - probed)
            probe_times.append(probed - minimally)
            minimal_times.append(minimally - patched)
            patch_times.append(patched - start)
    for name, _, parameters in MODELS:
        patch_p50, minimal_p50, probe_p50, healthz_p50 = (statistics.median(times) for times in timings[name])
        print(f"{name:>8} {parameters:>12,} {patch_p50 * 1e3:>8.3f} {minimal_p50 * 1e3:>8.3f} {probe_p50 * 1e3:>8.3f}"
              f" {healthz_p50 * 1e3:>8.3f} {patch_p50 / probe_p50:>11.3f} {minimal_p50 / probe_p50:>13.3f}"
              f" {(patch_p50 - healthz_p50) / probe_p50:>16.3f} {(minimal_p50 - healthz_p50) / probe_p50:>18.3f}")
    client.close()
    probe.close()


def writer_rate(port, path, writers, seconds, headers=()):
    """Durable writes per second of `writers` concurrent clients, each PATCHing its own element
    of the parameter at `path` in a loop on its own lean_client connection."""
    counts = [0] * writers
    stop = time.perf_counter() + seconds

    def run(index):
        client = LeanClient(port)
        while time.perf_counter() < stop:
            body = LeanClient.json_body({"op": "set", "index": [index], "value": counts[index] + 0.5})
            client.exchange(client.prepare("PATCH", path, body, headers))
            counts[index] += 1
        client.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def section_writers(server):
    print("\n== 2. concurrent writers on m33 (PATCH of one element each, 5 s, one lean_client connection per writer)")
    for writers in (1, 16):
        rate = writer_rate(server.port, "/v1/models/m33/parameters/0.bias", writers, 5)
        print(f"{writers:>3} writers: {rate:8.0f} durable writes/s")


@contextlib.contextmanager
def servers_with_a_model(binaries, prefix):
    """One server per binary, each with its own data directory in a temporary folder under
    /var/tmp (the disk of the other benchmarks) and one model `m`, linear 4096→4096 (16.8M
    parameters); yields the servers and that folder, and removes it afterwards."""
    work = tempfile.mkdtemp(prefix=prefix, dir="/var/tmp")
    servers = []
    try:
        for index, binary in enumerate(binaries):
            servers.append(Server(binary, os.path.join(work, f"data-{index}")))
            servers[-1].wait_ready()
            client = LeanClient(servers[-1].port)
            client.exchange(client.prepare("POST", "/v1/models", LeanClient.json_body(
                {"name": "m", "seed": 1, "spec": {"type": "linear", "in": 4096, "out": 4096}})))
            client.close()
        yield servers, work
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def serving_mix(server, model, width, layers):
    """Every kind of request, some at once, a slow reader among them."""
    errors = []

    def guarded(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
        return run

    def reads():
        connection = server.connect()
        request(connection, "GET", f"/v1/models/{model}/parameters/0.weight", stream_to=True)
        request(connection, "GET", f"/v1/models/{model}/parameters/0.weight",
                headers={"Accept": "application/octet-stream"}, stream_to=True)
        request(connection, "GET", f"/v1/models/{model}/parameters?values=true", stream_to=True)
        request(connection, "GET", f"/v1/models/{model}/state-dict", stream_to=True)
        request(connection, "GET", f"/v1/models/{model}/onnx", stream_to=True)

    def slow_reader():
        connection = server.connect()
        connection.request("GET", f"/v1/models/{model}/parameters/0.weight")
        response = connection.getresponse()
        while chunk := response.read(64 << 10):
            time.sleep(0.002)

    def writes():
        connection = server.connect()
        for index in range(20):
            request(connection, "PATCH", f"/v1/models/{model}/parameters/{2 * (layers - 1)}.weight",
                    {"op": "set", "index": [index, index], "value": 1.0})
            request(connection, "PUT", f"/v1/models/{model}/parameters/0.bias", {"value": [float(index)] * width})
            request(connection, "POST", f"/v1/models/{model}/forward", {"inputs": [[0.5] * width]})

    threads = [threading.Thread(target=guarded(work)) for work in (reads, slow_reader, writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def section_memory(binary, work, data):
    print("\n== 3. peak RSS while serving GET (JSON, raw, ?values=true, state-dict, ONNX, a slow reader), PATCH, PUT,"
          " forward; then each export alone")
    print(f"{'model':>8} {'N':>9} {'peak RSS':>9} {'1.25N+64MB':>11} {'ratio':>6}  (target ≤ 1.0)")
    for name, model_spec, parameters in MODELS[1:]:
        directory = os.path.join(work, "memory-" + name)
        os.makedirs(directory)
        os.rename(os.path.join(data, "models", name), os.path.join(directory, "models-" + name))
        os.makedirs(os.path.join(directory, "models"))
        os.rename(os.path.join(directory, "models-" + name), os.path.join(directory, "models", name))
        with open(os.path.join(data, "FORMAT"), "rb") as source, open(os.path.join(directory, "FORMAT"), "wb") as target:
            target.write(source.read())
        server = Server(binary, directory)
        server.wait_ready()
        loaded = server.peak_rss()
        server.reset_peak()
        layers = len([layer for layer in model_spec["layers"] if layer["type"] == "linear"])
        serving_mix(server, name, 4096, layers)
        peak = server.peak_rss()
        size = parameters * 4
        bound = 1.25 * size + 64 * MB
        print(f"{name:>8} {size / MB:>7.0f}MB {peak / MB:>7.1f}MB {bound / MB:>9.1f}MB {peak / bound:>6.3f}"
              f"   (after loading: {loaded / MB:.0f} MB)")
        # Again: the PATCHes now write the values already there (copies the store does not keep).
        server.reset_peak()
        serving_mix(server, name, 4096, layers)
        peak = server.peak_rss()
        print(f"{'':>8} {'':>9} {peak / MB:>7.1f}MB {bound / MB:>9.1f}MB {peak / bound:>6.3f}   the same mix again")
        for route in ("state-dict", "onnx"):
            peak, rate = export_peak(server, name, route)
            print(f"{'':>8} {'':>9} {peak / MB:>7.0f}MB {bound / MB:>9.0f}MB {peak / bound:>6.3f}"
                  f"   GET {route} alone ({rate / 1e9:.2f} GB/s)")
        server.stop()
        os.rename(os.path.join(directory, "models", name), os.path.join(data, "models", name))


def write_rate(directory, size):
    """The disk's limit for a create: writing `size` bytes in 8 MB writes, then one fsync."""
    path = os.path.join(directory, "probe-sequential")
    block = os.urandom(8 * MB)
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for _ in range(size // len(block)):
        os.write(fd, block)
    os.fsync(fd)
    os.close(fd)
    rate = size / (time.perf_counter() - start)
    os.unlink(path)
    return rate


def read_rate(paths, fresh_memory=False):
    """The limit for a start-up load: a plain loop of 8 MB reads over the same files, into one
    reused buffer, or (`fresh_memory`) into a new buffer of each file's size, as a load must.

    The second is the honest limit on a virtual machine whose balloon reports free pages to the
    host (virtio_balloon's free page reporting, on here): memory freed by dropping the page cache
    goes back to the host, and the first touch of each page then costs a host fault, seen in the
    guest as a slow `clear_page`. Touching 2 GB of fresh memory took 0.9-10 s here after a drop.
    """
    total = 0
    start = time.perf_counter()
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        if fresh_memory:
            buffer = memoryview(bytearray(os.fstat(fd).st_size))
            while total_read := os.readv(fd, [buffer[:8 * MB]]):
                total += total_read
                buffer = buffer[total_read:]
        else:
            while chunk := os.read(fd, 8 * MB):
                total += len(chunk)
        os.close(fd)
    return total / (time.perf_counter() - start)


def drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as caches:
            caches.write("3")
        return True
    except OSError:
        return False


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def curl(urls, headers=()):
    """Fetches `urls` with one curl (one connection), discarding the bodies; returns bytes and seconds."""
    arguments = ["curl", "-s", "-w", "%{size_download}\n"]
    for header in headers:
        arguments += ["-H", header]
    start = time.perf_counter()
    sizes = subprocess.run(arguments + [argument for url in urls for argument in ("-o", "/dev/null", url)],
                           check=True, capture_output=True, text=True).stdout.split()
    return sum(int(size) for size in sizes), time.perf_counter() - start


class LoopbackPeer:
    """The loopback limit for a raw GET: a plain Python server answering every request with the
    same number of bytes from memory in one sendall (no framing, no copies in user space), read
    by the same curl."""

    def __init__(self, size):
        self.payload = bytearray(size)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            client, _ = self.listener.accept()
            with client:
                head = b""
                while b"\r\n\r\n" not in head:
                    head += client.recv(65536)
                client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(self.payload))
                client.sendall(memoryview(self.payload))

    def rate(self):
        size, seconds = curl([f"http://127.0.0.1:{self.port}/"])
        return size / seconds


def ratio_line(label, rate, limit, limit_label, extra=""):
    print(f"  {label:<44} {rate / 1e9:5.2f} GB/s  {limit_label:<34} {limit / 1e9:5.2f} GB/s  ratio {rate / limit:4.2f}{extra}")


def export_peak(server, model, route):
    """Peak RSS (VmHWM reset first) and rate of one export of `model`, read by curl."""
    server.reset_peak()
    received, seconds = curl([f"http://127.0.0.1:{server.port}/v1/models/{model}/{route}"])
    return server.peak_rss(), received / seconds


def section_rates(binary, data, create_rate, create_limit):
    print("\n== 4. a 1 GB model (m268: 16 × 4096²) and a 1 GB tensor (m268w: 16384²): GB/s of parameters,")
    print("      each against its limit measured just before it in this run (ratio = figure / limit, target ≥ 1 GB/s)")
    ratio_line("create m268 (POST: random init + durable)", create_rate, create_limit, "vs disk write+fsync of 1 GB")
    server = Server(binary, data)
    server.wait_ready()
    # A second 1 GB model, one tensor: the 1 GB tensor GET, and a start-up directory of > 2 GB.
    limit = write_rate(data, 1 << 30)
    start = time.perf_counter()
    request(server.connect(), "POST", "/v1/models",
            {"name": "m268w", "seed": 2, "spec": {"type": "linear", "in": 16384, "out": 16384}})
    ratio_line("create m268w", 16384 * 16385 * 4 / (time.perf_counter() - start), limit, "vs disk write+fsync of 1 GB")

    peer = LoopbackPeer(16384 * 16384 * 4)
    base = f"http://127.0.0.1:{server.port}/v1/models"
    raw = ["Accept: application/octet-stream"]
    every = [f"{base}/m268/parameters/{2 * layer}.{suffix}" for layer in range(16) for suffix in ("weight", "bias")]
    for label, urls in (("raw GET of the 1 GB tensor m268w/weight", [f"{base}/m268w/parameters/weight"]),
                        ("raw GET of every m268 parameter (32 GETs)", every)):
        rates, limits, cpu = [], [], []
        for _ in range(3):
            limits.append(peer.rate())
            before = cpu_seconds(server.process.pid)
            size, seconds = curl(urls, raw)
            cpu.append((cpu_seconds(server.process.pid) - before) / (size / 1e9))
            rates.append(size / seconds)
        ratio_line(label, statistics.median(rates), statistics.median(limits), "vs loopback peer (sendall, curl)",
                   f"   server CPU {statistics.median(cpu):.2f} s/GB")

    server.stop()

    files = sorted(os.path.join(root, name) for root, _, names in os.walk(os.path.join(data, "models")) for name in names)
    stored = sum(os.path.getsize(path) for path in files)
    print(f"  start-up load of {stored / 1e9:.2f} GB ({len(os.listdir(os.path.join(data, 'models')))} models),"
          " process start to ready, against a read loop over the same files:")
    for state in ("cold", "warm"):
        if state == "cold" and not drop_caches():
            print("  (the page cache cannot be dropped here: no cold figures)")
            continue
        limit = read_rate(files)
        if state == "cold":
            drop_caches()
        fresh_limit = read_rate(files, fresh_memory=True)
        if state == "cold":
            drop_caches()
        server = Server(binary, data)
        seconds = server.wait_ready()
        cpu = cpu_seconds(server.process.pid)
        server.stop()
        ratio_line(f"start-up, {state} page cache ({seconds:.2f} s, CPU {cpu:.2f} s)", stored / seconds, limit,
                   f"vs read loop, {state}")
        ratio_line("", stored / seconds, fresh_limit, f"vs read into fresh memory, {state}")


def main(binary, work, sections):
    data = os.path.join(work, "data")
    server = Server(binary, data)
    server.wait_ready()
    connection = server.connect()
    create_rate = create_limit = 0.0
    for name, model_spec, parameters in MODELS:
        if name == "m268":
            create_limit = write_rate(data, 1 << 30)
        start = time.perf_counter()
        request(connection, "POST", "/v1/models", {"name": name, "seed": 1, "spec": model_spec})
        if name == "m268":
            create_rate = parameters * 4 / (time.perf_counter() - start)
    if "1" in sections:
        section_patch(server, data)
    if "2" in sections:
        section_writers(server)
    server.stop()
    if "3" in sections:
        section_memory(binary, work, data)
    if "4" in sections:
        section_rates(binary, data, create_rate, create_limit)


if __name__ == "__main__":
    # BENCH_SECTIONS=3 runs the peak-RSS section alone (the models are created either way).
    main(sys.argv[1], sys.argv[2], os.environ.get("BENCH_SECTIONS", "1234"))
