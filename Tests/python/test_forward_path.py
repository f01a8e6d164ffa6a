"""The batch-1 forward's request path on the real server: forwards are taken on the event loop
without a task, the requests of one loop turn share a pass, and each client still gets exactly
the bytes it gets alone; a failing request among them fails alone; a client that leaves early
costs nothing; a refused token is refused before the body is read.

Bodies are what `requests.post(json=...)` sends for numpy float32 rows (issue #14's
Python-default body).
"""
from __future__ import annotations

import json
import re
import socket
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import requests

MLP = {"type": "sequential", "layers": [
    {"type": "linear", "in": 784, "out": 256}, {"type": "relu"},
    {"type": "linear", "in": 256, "out": 256}, {"type": "relu"},
    {"type": "linear", "in": 256, "out": 10}]}
CLIENTS = 16


def body(client: int) -> bytes:
    rows = np.random.default_rng(client).uniform(-1, 1, (1, 784)).astype(np.float32)
    return json.dumps({"inputs": rows.tolist()}).encode()


def forward(url: str, data: bytes) -> requests.Response:
    return requests.post(url + "/v1/models/mlp/forward", data=data, headers={"Content-Type": "application/json"}, timeout=60)


def joint_passes(paramd) -> float:
    text = requests.get(paramd.url + "/metrics", timeout=10).text
    match = re.search(r"^paramd_forward_joint_requests_count (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_forwards_sent_together_share_passes_and_get_the_bytes_they_get_alone(paramd):
    paramd.create("mlp", MLP, seed=0)
    bodies = [body(client) for client in range(CLIENTS)]
    # One that overflows to infinity: its own 422, never its neighbours'.
    bodies[5] = json.dumps({"inputs": [[3e38] * 784]}).encode()
    alone = [forward(paramd.url, data) for data in bodies]
    assert [response.status_code for response in alone] == [422 if client == 5 else 200 for client in range(CLIENTS)]
    assert joint_passes(paramd) == 0
    with ThreadPoolExecutor(CLIENTS) as pool:
        # Some rounds, until passes were shared (how requests meet in a turn is up to the kernel).
        for _ in range(50):
            together = list(pool.map(lambda data: forward(paramd.url, data), bodies))
            for client, (response, reference) in enumerate(zip(together, alone)):
                assert response.status_code == reference.status_code, f"client {client}: {response.text}"
                assert response.content == reference.content, f"client {client} got other bytes in a shared pass"
            if joint_passes(paramd) > 0:
                break
    assert joint_passes(paramd) > 0, "no forward pass was ever shared"


def read_head(connection: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def forward_head(port: int, length: int, extra: str = "") -> bytes:
    return (f"POST /v1/models/mlp/forward HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n").encode()


def test_a_forward_without_a_valid_token_is_refused_before_its_body_is_sent(paramd_factory):
    paramd = paramd_factory(token="secret-token")
    paramd.create("mlp", MLP, seed=0)
    data = body(0)
    for extra in ["", "Expect: 100-continue\r\n", "Authorization: Bearer wrong\r\n"]:
        with socket.create_connection(("127.0.0.1", paramd.port), timeout=30) as connection:
            connection.sendall(forward_head(paramd.port, len(data), extra))  # and never the body
            received = read_head(connection)
        assert received.startswith(b"HTTP/1.1 401 "), received
        assert b"100 Continue" not in received


def test_clients_that_leave_before_their_answer_leave_the_server_serving(paramd):
    paramd.create("mlp", MLP, seed=0)
    data = body(1)
    reference = forward(paramd.url, data)
    assert reference.status_code == 200
    for index in range(64):
        connection = socket.create_connection(("127.0.0.1", paramd.port))
        connection.sendall(forward_head(paramd.port, len(data)) + data)
        if index % 2:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # a reset
        connection.close()
    after = forward(paramd.url, data)
    assert after.status_code == 200
    assert after.content == reference.content
    assert paramd.process.poll() is None
    assert "request failed" not in paramd.log


def batch_body(client: int, rows: int = 64) -> bytes:
    batch = np.random.default_rng(1000 + client).uniform(-1, 1, (rows, 784)).astype(np.float32)
    return json.dumps({"inputs": batch.tolist()}).encode()


def test_large_forward_bodies_in_reused_buffers_each_get_their_own_answer(paramd):
    """Batch-64 Python-default bodies (about 1 MB) are read into pooled buffers that later
    requests reuse: concurrent clients with different bodies still get the answers they get
    alone, and a body cut short inside a buffer that held a longer one is refused, not completed
    by the older body's bytes."""
    paramd.create("mlp", MLP, seed=0)
    bodies = [batch_body(client, rows=64 if client % 2 else 40) for client in range(8)]
    alone = [forward(paramd.url, data) for data in bodies]
    assert all(response.status_code == 200 for response in alone)
    with ThreadPoolExecutor(8) as pool:
        for _ in range(4):
            together = list(pool.map(lambda data: forward(paramd.url, data), bodies))
            for client, (response, reference) in enumerate(zip(together, alone)):
                assert response.status_code == 200, f"client {client}: {response.text}"
                assert response.content == reference.content, f"client {client} got another body's answer"
    longest = max(bodies, key=len)
    with requests.Session() as session:
        url = paramd.url + "/v1/models/mlp/forward"
        headers = {"Content-Type": "application/json"}
        assert session.post(url, data=longest, headers=headers, timeout=60).status_code == 200
        cut = longest[: len(longest) * 3 // 4]  # a prefix of the body the buffer last held
        refused = session.post(url, data=cut, headers=headers, timeout=60)
        assert refused.status_code == 400, refused.text
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert session.post(url, data=longest, headers=headers, timeout=60).content == alone[bodies.index(longest)].content
