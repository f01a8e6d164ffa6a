"""The Open Inference Protocol (KServe V2 / Triton HTTP/REST) on /v2, driven by the real
tritonclient[http] and by curl as KServe's docs show it.

The reference for every output is paramd's own /v1 forward with raw float32 in and out on the
same server: /v2 must give the very same bits. Where the input is not FP32, the reference is
/v1 forward of the input converted to float32 by numpy, which is what the protocol's
conversion documents (nearest float32).
"""
from __future__ import annotations

import ast
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import requests
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 16
SPEC = {
    "type": "sequential",
    "layers": [
        {"type": "linear", "in": WIDTH, "out": 32},
        {"type": "relu"},
        {"type": "linear", "in": 32, "out": 32, "activation": "tanh"},
        {"type": "linear", "in": 32, "out": 10},
    ],
}


@pytest.fixture
def served(paramd):
    paramd.create("net", SPEC, seed=0, init="pytorch")
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{paramd.port}")
    yield paramd, client
    client.close()


def v1_forward(server, x: np.ndarray) -> np.ndarray:
    """paramd's /v1 forward with raw float32 in and out: the reference bits."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    response = server.session.post(
        f"{server.url}/v1/models/net/forward",
        data=x.tobytes(),
        headers={"Content-Type": "application/octet-stream", "Accept": "application/octet-stream",
                 "Tensor-Shape": ",".join(map(str, x.shape))},
    )
    assert response.status_code == 200, response.text
    shape = [int(d) for d in response.headers["Tensor-Shape"].split(",")]
    return np.frombuffer(response.content, dtype=np.float32).reshape(shape)


def assert_same_bits(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.dtype == np.float32 and actual.shape == expected.shape
    assert np.array_equal(actual.view(np.uint32), expected.view(np.uint32))


def inputs_for(x: np.ndarray, datatype: str = "FP32", binary: bool = True) -> list[httpclient.InferInput]:
    tensor = httpclient.InferInput("input", list(x.shape), datatype)
    tensor.set_data_from_numpy(x, binary_data=binary)
    return [tensor]


def batch(rows: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, WIDTH)).astype(np.float32)


def expect_error(call, status: str, *fragments: str) -> InferenceServerException:
    with pytest.raises(InferenceServerException) as caught:
        call()
    assert caught.value.status() == status, str(caught.value)
    for fragment in fragments:
        assert fragment in caught.value.message(), caught.value.message()
    return caught.value


def test_health_and_server_metadata(served):
    _, client = served
    assert client.is_server_live()
    assert client.is_server_ready()
    metadata = client.get_server_metadata()
    assert metadata["name"] == "paramd"
    assert "binary_tensor_data" in metadata["extensions"]


def test_model_metadata_and_readiness(served):
    _, client = served
    assert client.is_model_ready("net")
    assert client.is_model_ready("net", model_version="1")
    assert not client.is_model_ready("nope")
    metadata = client.get_model_metadata("net")
    assert metadata["name"] == "net"
    assert metadata["versions"] == ["1"]
    assert metadata["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, WIDTH]}]
    assert metadata["outputs"] == [{"name": "output", "datatype": "FP32", "shape": [-1, 10]}]
    assert client.get_model_metadata("net", model_version="1") == metadata


@pytest.mark.parametrize("rows", [1, 64])
def test_binary_in_binary_out_equals_v1_forward(served, rows):
    server, client = served
    x = batch(rows)
    result = client.infer("net", inputs_for(x), request_id="req-7")  # tritonclient's defaults: binary both ways
    assert result.get_response()["id"] == "req-7"
    assert result.get_response()["model_version"] == "1"
    assert "data" not in result.get_output("output")
    assert_same_bits(result.as_numpy("output"), v1_forward(server, x))


@pytest.mark.parametrize("rows", [1, 64])
def test_json_in_json_out_equals_v1_forward(served, rows):
    server, client = served
    x = batch(rows, seed=2)
    outputs = [httpclient.InferRequestedOutput("output", binary_data=False)]
    result = client.infer("net", inputs_for(x, binary=False), outputs=outputs)
    assert "data" in result.get_output("output")
    assert_same_bits(result.as_numpy("output"), v1_forward(server, x))


def test_mixed_binary_and_json(served):
    server, client = served
    x = batch(3, seed=3)
    json_out = [httpclient.InferRequestedOutput("output", binary_data=False)]
    binary_out = [httpclient.InferRequestedOutput("output", binary_data=True)]
    expected = v1_forward(server, x)
    assert_same_bits(client.infer("net", inputs_for(x, binary=True), outputs=json_out).as_numpy("output"), expected)
    assert_same_bits(client.infer("net", inputs_for(x, binary=False), outputs=binary_out).as_numpy("output"), expected)


@pytest.mark.parametrize(
    "datatype, dtype",
    [("FP64", np.float64), ("FP16", np.float16), ("INT8", np.int8), ("INT16", np.int16), ("INT32", np.int32),
     ("INT64", np.int64), ("UINT8", np.uint8), ("UINT16", np.uint16), ("UINT32", np.uint32), ("UINT64", np.uint64)],
)
@pytest.mark.parametrize("binary", [True, False])
def test_other_datatypes_are_converted_to_fp32(served, datatype, dtype, binary):
    server, client = served
    rng = np.random.default_rng(4)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        x = rng.integers(max(info.min, -100), min(info.max, 100), size=(5, WIDTH), endpoint=True).astype(dtype)
    else:
        x = rng.standard_normal((5, WIDTH)).astype(dtype)
    result = client.infer("net", inputs_for(x, datatype, binary=binary))
    assert_same_bits(result.as_numpy("output"), v1_forward(server, x.astype(np.float32)))


def test_infer_at_the_current_version(served):
    server, client = served
    x = batch(2)
    result = client.infer("net", inputs_for(x), model_version="1")
    assert_same_bits(result.as_numpy("output"), v1_forward(server, x))


def test_errors_name_what_is_wrong(served):
    _, client = served
    x = batch(2)
    wrong_name = httpclient.InferInput("x", list(x.shape), "FP32")
    wrong_name.set_data_from_numpy(x)
    expect_error(lambda: client.infer("net", [wrong_name]), "400", 'unknown input "x"')
    wide = np.zeros((2, WIDTH + 1), dtype=np.float32)
    expect_error(lambda: client.infer("net", inputs_for(wide)), "400", f"shape [2, {WIDTH + 1}]", f"[-1, {WIDTH}]")
    flags = httpclient.InferInput("input", list(x.shape), "BOOL")
    flags.set_data_from_numpy(x > 0)
    expect_error(lambda: client.infer("net", [flags]), "400", "BOOL cannot be converted to FP32")
    strings = httpclient.InferInput("input", [2, WIDTH], "BYTES")
    strings.set_data_from_numpy(np.full((2, WIDTH), b"a", dtype=np.object_), binary_data=False)
    expect_error(lambda: client.infer("net", [strings]), "400", "BYTES cannot be converted to FP32")
    expect_error(lambda: client.infer("nope", inputs_for(x)), "404", '"nope"')
    expect_error(lambda: client.infer("net", inputs_for(x), model_version="9"), "404", "current version is 1")
    expect_error(lambda: client.get_model_metadata("net", model_version="2"), "404", "current version is 1")
    unknown_output = [httpclient.InferRequestedOutput("logits")]
    expect_error(lambda: client.infer("net", inputs_for(x), outputs=unknown_output), "400", 'unknown output "logits"')


def test_the_token_guards_v2_but_not_its_health(paramd_factory):
    server = paramd_factory(token="s3cret")
    server.create("net", SPEC, seed=0)
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{server.port}")
    try:
        assert client.is_server_live()
        assert client.is_server_ready()
        expect_error(lambda: client.get_server_metadata(), "401", "Authorization: Bearer")
        expect_error(lambda: client.infer("net", inputs_for(batch(1))), "401")
        expect_error(lambda: client.get_model_metadata("net", headers={"Authorization": "Bearer wrong"}), "401")
        headers = {"Authorization": "Bearer s3cret"}
        assert client.get_model_metadata("net", headers=headers)["name"] == "net"
        x = batch(4)
        result = client.infer("net", inputs_for(x), headers=headers)
        assert_same_bits(result.as_numpy("output"), v1_forward(server, x))
    finally:
        client.close()


def test_deferred_model_materializes_on_first_infer(paramd):
    paramd.create("gluon", {"type": "sequential", "layers": [{"type": "dense", "out": 3, "activation": "relu"}, {"type": "dense", "out": 2}]},
                  seed=0, init="mxnet")
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{paramd.port}")
    try:
        before = client.get_model_metadata("gluon")
        assert before["inputs"][0]["shape"] == [-1, -1]
        assert before["outputs"][0]["shape"] == [-1, 2]
        x = np.ones((2, 5), dtype=np.float32)
        result = client.infer("gluon", inputs_for(x))
        assert result.get_response()["model_version"] == "2"
        after = client.get_model_metadata("gluon")
        assert after["inputs"][0]["shape"] == [-1, 5] and after["versions"] == ["2"]
        assert result.as_numpy("output").shape == (2, 2)
    finally:
        client.close()


def test_curl_json_infer_as_kserve_documents_it(served, tmp_path):
    server, _ = served
    x = batch(2, seed=5)
    request = {"id": "curl-1", "inputs": [{"name": "input", "shape": [2, WIDTH], "datatype": "FP32", "data": x.tolist()}]}
    body = tmp_path / "input.json"
    body.write_text(json.dumps(request))
    completed = subprocess.run(
        ["curl", "-s", "-H", "Content-Type: application/json", f"{server.url}/v2/models/net/infer", "-d", f"@{body}"],
        check=True, capture_output=True)
    answer = json.loads(completed.stdout)
    assert answer["id"] == "curl-1" and answer["model_name"] == "net"
    output = answer["outputs"][0]
    assert output["name"] == "output" and output["datatype"] == "FP32" and output["shape"] == [2, 10]
    assert_same_bits(np.array(output["data"], dtype=np.float32).reshape(2, 10), v1_forward(server, x))


def test_binary_framing_by_hand(served):
    """The extension's wire format without a client library: header length, sizes, tail."""
    server, _ = served
    x = batch(2, seed=6)
    header = json.dumps({"inputs": [{"name": "input", "shape": [2, WIDTH], "datatype": "FP32",
                                     "parameters": {"binary_data_size": x.nbytes}}],
                         "parameters": {"binary_data_output": True}}).encode()
    url = f"{server.url}/v2/models/net/infer"
    response = requests.post(url, data=header + x.tobytes(), headers={"inference-header-content-length": str(len(header))})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    length = int(response.headers["Inference-Header-Content-Length"])
    answer = json.loads(response.content[:length])
    assert answer["outputs"][0]["parameters"]["binary_data_size"] == 2 * 10 * 4
    assert_same_bits(np.frombuffer(response.content[length:], dtype=np.float32).reshape(2, 10), v1_forward(server, x))

    def refused(body: bytes, header_length: str, *fragments: str) -> None:
        answer = requests.post(url, data=body, headers={"Inference-Header-Content-Length": header_length})
        assert answer.status_code == 400, answer.text
        assert answer.headers["Content-Type"] == "application/json"
        for fragment in fragments:
            assert fragment in answer.json()["error"], answer.text

    refused(header + x.tobytes(), str(len(header) + x.nbytes + 1), "but the body has only")
    refused(header + x.tobytes(), "-5", "Inference-Header-Content-Length must be")
    refused(header + x.tobytes(), "12abc", "Inference-Header-Content-Length must be")
    refused(header + x.tobytes()[:-4], str(len(header)), "needs 128 bytes of binary data but only 124 remain")
    refused(header + x.tobytes() + b"\0\0\0\0", str(len(header)), "4 bytes after the JSON part belong to no input")
    lying = header.replace(str(x.nbytes).encode(), b"100")
    refused(lying + x.tobytes(), str(len(lying)), "binary_data_size is 100 but its shape and datatype make 128 bytes")


def test_a_body_over_the_limit_is_refused_before_upload(served):
    """A 1 GB Content-Length gets 413 at once, with nothing sent after the head (from the HTTP
    layer, which refuses it while parsing the head: problem+json, before any route is known)."""
    server, _ = served
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"POST /v2/models/net/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert json.loads(body)["status"] == 413


def test_readme_tritonclient_snippet_runs(paramd):
    """The README's tritonclient snippet, run as written against this server."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Open Inference Protocol"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    paramd.create("mlp-v2", {"type": "sequential", "layers": [
        {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}, seed=0, init="pytorch")
    code = snippet.replace("127.0.0.1:8080", f"127.0.0.1:{paramd.port}")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    printed = np.array(ast.literal_eval(completed.stdout.strip()), dtype=np.float32)
    x = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]], dtype=np.float32)
    response = paramd.session.post(f"{paramd.url}/v1/models/mlp-v2/forward", json={"inputs": x.tolist()})
    assert response.status_code == 200, response.text
    assert_same_bits(printed, np.array(response.json()["outputs"], dtype=np.float32))
    # The comment beside the print says what it prints.
    assert snippet.split("# ")[-1].strip() == completed.stdout.strip()


def test_large_bodies_in_reused_buffers_answer_each_request_alone(served):
    """Bodies of 128 KiB and more are read into pooled buffers and their inputs into kept
    arrays: batches of different sizes one after another, binary and JSON, each answer the
    bits /v1 gives for that batch alone, never a neighbour's."""
    server, client = served
    # WIDTH 16: 2048 rows are 128 KiB of float32, the smallest body and input array pooled.
    for round_, rows in enumerate([2600, 2100, 2600, 2048, 2600]):
        x = batch(rows, seed=40 + round_)
        binary = client.infer("net", inputs_for(x))
        assert_same_bits(binary.as_numpy("output"), v1_forward(server, x))
        outputs = [httpclient.InferRequestedOutput("output", binary_data=False)]
        as_json = client.infer("net", inputs_for(x, binary=False), outputs=outputs)
        assert_same_bits(as_json.as_numpy("output"), v1_forward(server, x))
