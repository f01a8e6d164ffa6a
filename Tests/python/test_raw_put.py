"""A raw (application/octet-stream) PUT of a parameter, over a real socket.

The server reads such a body straight into the new tensor's storage; these tests check what a
client sees of that: the values come back exactly, a body cut short or abandoned changes
nothing, and a length that cannot be the tensor is refused before the upload is read.
"""
from __future__ import annotations

import socket

import numpy as np

ROWS, COLUMNS = 1024, 1024  # 4 MiB: far above the size the server reads in place anyway


def create_wide(paramd) -> None:
    paramd.create("wide", {"type": "sequential", "layers": [{"type": "linear", "in": COLUMNS, "out": ROWS}]}, seed=0)


def raw_weight(paramd) -> np.ndarray:
    response = paramd.session.get(paramd.url + "/v1/models/wide/parameters/0.weight", headers={"Accept": "application/octet-stream"})
    assert response.status_code == 200
    assert response.headers["Tensor-Shape"] == f"{ROWS},{COLUMNS}"
    return np.frombuffer(response.content, dtype="<f4").reshape(ROWS, COLUMNS)


def head(paramd, length: int, extra: str = "") -> bytes:
    return (
        f"PUT /v1/models/wide/parameters/0.weight HTTP/1.1\r\nHost: 127.0.0.1:{paramd.port}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


def read_status_and_rest(connection: socket.socket) -> tuple[int, bytes]:
    """The status code, and everything until the server closes."""
    received = b""
    while True:
        piece = connection.recv(65536)
        if not piece:
            break
        received += piece
    return int(received.split(b" ", 2)[1]), received


def test_a_big_raw_put_round_trips_exactly(paramd):
    create_wide(paramd)
    values = np.random.default_rng(3).standard_normal((ROWS, COLUMNS)).astype("<f4")
    response = paramd.session.put(
        paramd.url + "/v1/models/wide/parameters/0.weight",
        data=values.tobytes(),
        headers={"Content-Type": "application/octet-stream", "Tensor-Shape": f"{ROWS},{COLUMNS}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert np.array_equal(raw_weight(paramd), values)


def test_a_body_cut_short_is_400_and_changes_nothing(paramd):
    create_wide(paramd)
    before = raw_weight(paramd)
    body = np.ones((ROWS, COLUMNS), dtype="<f4").tobytes()
    with socket.create_connection(("127.0.0.1", paramd.port)) as connection:
        connection.sendall(head(paramd, len(body)) + body[: len(body) - 4096])
        connection.shutdown(socket.SHUT_WR)
        status, received = read_status_and_rest(connection)
    assert status == 400
    assert b"before the end of the body" in received
    assert np.array_equal(raw_weight(paramd), before)
    assert paramd.session.get(paramd.url + "/v1/models/wide").headers["ETag"] == '"1"'


def test_a_client_that_vanishes_mid_body_changes_nothing(paramd):
    create_wide(paramd)
    before = raw_weight(paramd)
    body = np.ones((ROWS, COLUMNS), dtype="<f4").tobytes()
    connection = socket.create_connection(("127.0.0.1", paramd.port))
    connection.sendall(head(paramd, len(body)) + body[: len(body) // 2])
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close with a reset
    connection.close()
    assert np.array_equal(raw_weight(paramd), before)
    assert paramd.session.get(paramd.url + "/v1/models/wide").headers["ETag"] == '"1"'


def test_a_length_that_cannot_be_the_tensor_is_refused_before_the_upload(paramd):
    create_wide(paramd)
    with socket.create_connection(("127.0.0.1", paramd.port)) as connection:
        # Expect: 100-continue, and no body sent: the refusal must come without a 100.
        connection.sendall(head(paramd, 4 * 1000, f"Tensor-Shape: {ROWS},{COLUMNS}\r\nExpect: 100-continue\r\n"))
        status, received = read_status_and_rest(connection)
    assert status == 422
    assert b"100 Continue" not in received
    assert b"raw-length" in received
