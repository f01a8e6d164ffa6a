"""PUT and GET /v1/models/{model}/state-dict against PyTorch and safetensors themselves:
paramd's state dict loads into the equivalent torch module with strict=True and computes the
same outputs; what torch trains and saves (save_file or save_model) loads back into paramd."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load as load_bytes
from safetensors.torch import save as save_bytes
from safetensors.torch import load_file, save_file, save_model

import paramd_torch
from networks import CHAPTER, MLP, TIED

OCTET = {"Content-Type": "application/octet-stream"}


def forward(server, name: str, x: torch.Tensor) -> np.ndarray:
    response = server.session.post(f"{server.url}/v1/models/{name}/forward", json={"inputs": x.tolist()})
    assert response.status_code == 200, response.text
    return np.array(response.json()["outputs"], dtype=np.float32)


def state_dict(server, name: str) -> bytes:
    response = server.session.get(f"{server.url}/v1/models/{name}/state-dict")
    assert response.status_code == 200, response.text
    return response.content


def put(server, name: str, body: bytes, query: str = "", headers: dict | None = None):
    return server.session.put(f"{server.url}/v1/models/{name}/state-dict{query}", data=body, headers={**OCTET, **(headers or {})})


def metadata(file: bytes) -> dict:
    """The `__metadata__` of a safetensors file, read from its header."""
    (length,) = struct.unpack("<Q", file[:8])
    return json.loads(file[8:8 + length])["__metadata__"]


def inputs(width: int, rows: int = 5) -> torch.Tensor:
    return torch.linspace(-2, 2, rows * width).reshape(rows, width)


@pytest.mark.parametrize("name,spec,width", CHAPTER)
def test_export_loads_into_torch_strictly_and_computes_the_same(paramd, tmp_path, name, spec, width):
    paramd.create(name, spec, seed=7)
    response = paramd.session.get(f"{paramd.url}/v1/models/{name}/state-dict")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.safetensors"'
    assert response.headers["ETag"] == '"1"'

    path = tmp_path / f"{name}.safetensors"
    path.write_bytes(response.content)
    with safe_open(str(path), "pt") as file:
        metadata = file.metadata()
    assert metadata["format"] == "pt"
    assert sorted(load_file(str(path)).keys()) == sorted(load_bytes(response.content).keys())
    net = paramd_torch.build(json.loads(metadata["spec"]))
    assert sorted(net.state_dict().keys()) == sorted(load_bytes(response.content).keys())
    net.load_state_dict(load_bytes(response.content), strict=True)

    x = inputs(width)
    with torch.no_grad():
        expected = net(x).numpy()
    np.testing.assert_allclose(forward(paramd, name, x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("saver", ["save_file", "save_model"])
@pytest.mark.parametrize("name,spec,width", CHAPTER)
def test_what_torch_trains_loads_back(paramd, tmp_path, name, spec, width, saver):
    paramd.create(name, spec, seed=0)
    exported = state_dict(paramd, name)
    net = paramd_torch.build(json.loads(metadata(exported)["spec"]))
    net.load_state_dict(load_bytes(exported), strict=True)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    x, y = inputs(width), torch.linspace(0, 1, 5).reshape(5, 1)
    for _ in range(3):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        optimizer.step()

    path = tmp_path / "trained.safetensors"
    if saver == "save_file":
        # save_file refuses tensors that share storage (the tied ones): torch's documented way out is a copy.
        save_file({k: v.clone() for k, v in net.state_dict().items()}, str(path))
    else:
        save_model(net, str(path))
    response = put(paramd, name, path.read_bytes())
    assert response.status_code == 200, response.text
    assert response.json() == {"version": 2, "missing_keys": [], "unexpected_keys": [], "mismatched": []}
    assert response.headers["ETag"] == '"2"'

    with torch.no_grad():
        expected = net(x).numpy()
    np.testing.assert_allclose(forward(paramd, name, x), expected, rtol=1e-5, atol=1e-6)


def test_a_tied_parameter_is_one_storage_after_a_load(paramd):
    paramd.create("tied", TIED, seed=0)
    values = load_bytes(state_dict(paramd, "tied"))
    assert torch.equal(values["2.weight"], values["4.weight"])
    values = {k: v.clone() for k, v in values.items()}
    values["2.weight"].fill_(0.5)
    values["4.weight"].fill_(0.5)
    assert put(paramd, "tied", save_bytes(values)).status_code == 200
    listed = paramd.session.get(f"{paramd.url}/v1/models/tied/parameters/4.weight").json()
    assert listed["name"] == "2.weight" and listed["aliases"] == ["4.weight"]
    assert np.all(np.array(listed["value"]) == 0.5)


def test_strict_load_lists_every_offending_key_and_changes_nothing(paramd):
    paramd.create("tied", TIED, seed=0)
    before = state_dict(paramd, "tied")
    values = {k: v.clone() for k, v in load_bytes(before).items()}
    del values["0.bias"]
    values["6.weight"] = torch.zeros(2, 8)
    values["4.weight"] = values["4.weight"] + 1
    values["extra.weight"] = torch.zeros(3)
    response = put(paramd, "tied", save_bytes(values))
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["missing_keys"] == ["0.bias"]
    assert problem["unexpected_keys"] == ["extra.weight"]
    assert problem["mismatched"] == [
        {"reason": "tied_values", "key": "4.weight", "tied_to": "2.weight"},
        {"reason": "shape", "key": "6.weight", "expected_shape": [1, 8], "actual_shape": [2, 8]},
    ]
    assert "0.bias" in problem["detail"] and "extra.weight" in problem["detail"]
    assert state_dict(paramd, "tied") == before


def test_non_strict_load_applies_what_matches_and_reports_the_rest(paramd):
    paramd.create("mlp", MLP, seed=0)
    values = {"0.weight": torch.full((8, 4), 0.25), "2.weight": torch.zeros(3, 3), "head.bias": torch.zeros(1)}
    response = put(paramd, "mlp", save_bytes(values), query="?strict=false")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "version": 2, "missing_keys": ["0.bias", "2.bias"], "unexpected_keys": ["head.bias"],
        "mismatched": [{"reason": "shape", "key": "2.weight", "expected_shape": [1, 8], "actual_shape": [3, 3]}]}
    weight = paramd.session.get(f"{paramd.url}/v1/models/mlp/parameters/0.weight").json()["value"]
    assert np.all(np.array(weight) == 0.25)
    # torch's own answer for the same call, for comparison.
    result = paramd_torch.build(MLP).load_state_dict({"0.weight": values["0.weight"], "head.bias": values["head.bias"]}, strict=False)
    assert result.missing_keys == ["0.bias", "2.weight", "2.bias"] and result.unexpected_keys == ["head.bias"]


def test_a_non_strict_load_that_matches_nothing_changes_nothing(paramd):
    paramd.create("mlp", MLP, seed=0)
    response = put(paramd, "mlp", save_bytes({"other": torch.zeros(1)}), query="?strict=false")
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.headers["ETag"] == '"1"'


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_other_float_types_are_converted(paramd, dtype):
    paramd.create("mlp", MLP, seed=0)
    net = paramd_torch.build(MLP).to(dtype)
    response = put(paramd, "mlp", save_bytes(net.state_dict()))
    assert response.status_code == 200, response.text
    converted = load_bytes(state_dict(paramd, "mlp"))
    for key, value in net.state_dict().items():
        assert converted[key].dtype == torch.float32
        assert torch.equal(converted[key], value.float()), key


def test_a_double_beyond_float32_is_refused_with_its_key_and_index(paramd):
    paramd.create("mlp", MLP, seed=0)
    values = {k: v.double() for k, v in load_bytes(state_dict(paramd, "mlp")).items()}
    values["2.weight"][0, 3] = 1e300
    response = put(paramd, "mlp", save_bytes(values))
    assert response.status_code == 422
    assert response.json()["path"] == "2.weight" and "index 3" in response.json()["detail"]


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_values_are_refused(paramd, value):
    paramd.create("mlp", MLP, seed=0)
    values = load_bytes(state_dict(paramd, "mlp"))
    values["0.bias"][5] = value
    response = put(paramd, "mlp", save_bytes(values))
    assert response.status_code == 422
    assert response.json()["path"] == "0.bias" and "index 5" in response.json()["detail"]


def test_integer_tensors_are_refused_by_dtype(paramd):
    paramd.create("mlp", MLP, seed=0)
    values = load_bytes(state_dict(paramd, "mlp"))
    values["0.bias"] = torch.arange(8, dtype=torch.int64)
    response = put(paramd, "mlp", save_bytes(values))
    assert response.status_code == 422
    assert response.json()["path"] == "0.bias" and "I64" in response.json()["detail"]


def raw_file(header: dict | bytes, data: bytes = b"", length: int | None = None) -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


HOSTILE = {
    "header length past the body": raw_file({"0.bias": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, length=1 << 40),
    "header not JSON": raw_file(b"{not json}"),
    "duplicate keys": raw_file(b'{"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', bytes(4)),
    "offsets past the data": raw_file({"0.bias": {"dtype": "F32", "shape": [1 << 28], "data_offsets": [0, 1 << 30]}}, bytes(32)),
    "overlapping tensors": raw_file({
        "0.bias": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]},
        "2.bias": {"dtype": "F32", "shape": [1], "data_offsets": [28, 32]}}, bytes(32)),
    "overflowing offsets": raw_file({"0.bias": {"dtype": "F32", "shape": [8], "data_offsets": [18446744073709551600, 18446744073709551632]}}, bytes(32)),
    "shape product overflows": raw_file({"0.bias": {"dtype": "F32", "shape": [1 << 31, 1 << 31, 1 << 31], "data_offsets": [0, 32]}}, bytes(32)),
    "size disagrees with shape": raw_file({"0.bias": {"dtype": "F32", "shape": [9], "data_offsets": [0, 32]}}, bytes(32)),
    "unknown dtype": raw_file({"0.bias": {"dtype": "F31", "shape": [8], "data_offsets": [0, 32]}}, bytes(32)),
    "empty body": b"",
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_a_400_and_change_nothing(paramd, case):
    paramd.create("mlp", MLP, seed=0)
    before = state_dict(paramd, "mlp")
    response = put(paramd, "mlp", HOSTILE[case])
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/invalid-safetensors")
    assert state_dict(paramd, "mlp") == before
    assert paramd.session.get(f"{paramd.url}/healthz").status_code == 200


def test_if_match_guards_the_load(paramd):
    paramd.create("mlp", MLP, seed=0)
    body = state_dict(paramd, "mlp")
    stale = put(paramd, "mlp", body, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    fresh = put(paramd, "mlp", body, headers={"If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'


def test_the_body_must_be_octet_stream(paramd):
    paramd.create("mlp", MLP, seed=0)
    response = paramd.session.put(f"{paramd.url}/v1/models/mlp/state-dict", data=state_dict(paramd, "mlp"),
                                  headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_a_deferred_model_is_a_409_that_says_how_to_fix_it(paramd):
    spec = {"type": "sequential", "layers": [{"type": "dense", "out": 3, "activation": "relu"}, {"type": "dense", "out": 1}]}
    paramd.create("lazy", spec, seed=0, init="mxnet")
    for response in (paramd.session.get(f"{paramd.url}/v1/models/lazy/state-dict"),
                     put(paramd, "lazy", save_bytes({"0.weight": torch.zeros(3, 2)}))):
        assert response.status_code == 409
        assert "forward" in response.json()["detail"] and "input_shape" in response.json()["detail"]
    forward(paramd, "lazy", torch.ones(1, 2))
    assert paramd.session.get(f"{paramd.url}/v1/models/lazy/state-dict").status_code == 200


def test_a_load_is_durable(paramd_factory, tmp_path):
    server = paramd_factory(data_dir=str(tmp_path))
    server.create("mlp", MLP, seed=0)
    values = {k: torch.full_like(v, 0.125) for k, v in load_bytes(state_dict(server, "mlp")).items()}
    assert put(server, "mlp", save_bytes(values)).status_code == 200
    assert server.stop() == 0
    restarted = paramd_factory(data_dir=str(tmp_path))
    reloaded = load_bytes(state_dict(restarted, "mlp"))
    assert all(torch.equal(reloaded[k], values[k]) for k in values)


def test_a_model_that_is_one_linear_layer_has_torchs_keys(paramd):
    spec = {"type": "linear", "in": 3, "out": 2, "activation": "tanh"}
    paramd.create("one", spec, seed=0)
    net = paramd_torch.build(spec)
    net.load_state_dict(load_bytes(state_dict(paramd, "one")), strict=True)
    x = inputs(3)
    with torch.no_grad():
        expected = net(x).numpy()
    np.testing.assert_allclose(forward(paramd, "one", x), expected, rtol=1e-5, atol=1e-6)


def test_a_file_over_the_body_limit_is_a_413(paramd_factory):
    server = paramd_factory(args=["--max-body-bytes", "4096"])
    server.create("wide", {"type": "linear", "in": 64, "out": 64}, seed=0)
    response = put(server, "wide", state_dict(server, "wide"))
    assert response.status_code == 413


def peak_resident_kib(server) -> int:
    for line in open(f"/proc/{server.process.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_a_claimed_terabyte_is_refused_without_allocating_it(paramd):
    paramd.create("mlp", MLP, seed=0)
    before = peak_resident_kib(paramd)
    claims = [
        raw_file({"0.bias": {"dtype": "F32", "shape": [1 << 38], "data_offsets": [0, 1 << 40]}}, bytes(32)),
        raw_file({"0.bias": {"dtype": "F64", "shape": [1 << 37], "data_offsets": [0, 1 << 40]}}, bytes(32)),
        raw_file({"0.bias": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, bytes(32), length=(1 << 40)),
    ]
    for body in claims:
        assert put(paramd, "mlp", body).status_code == 400
    assert peak_resident_kib(paramd) - before < 64 * 1024


LARGE = {"type": "sequential", "layers": [
    {"type": "linear", "in": 512, "out": 600}, {"type": "batch_norm1d", "num_features": 600}, {"type": "relu"},
    {"type": "linear", "in": 600, "out": 3}]}


def test_a_large_model_is_streamed_and_loads_into_torch_strictly(paramd):
    """Above 262,144 values the file is streamed (chunked, tensors sent from the snapshot): the
    I64 counter between F32 tensors, the header and the data must still be what torch reads."""
    paramd.create("large", LARGE, seed=11)
    x = inputs(512)
    # One training-mode forward pass moves the running statistics and the counter off their defaults.
    response = paramd.session.post(f"{paramd.url}/v1/models/large/train", json={
        "inputs": x.tolist(), "targets": torch.zeros(5, 3).tolist(), "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.0}})
    assert response.status_code == 200, response.text
    response = paramd.session.get(f"{paramd.url}/v1/models/large/state-dict")
    assert response.status_code == 200, response.text
    assert response.headers.get("Transfer-Encoding") == "chunked"
    tensors = load_bytes(response.content)
    assert tensors["1.num_batches_tracked"].dtype == torch.int64
    assert int(tensors["1.num_batches_tracked"]) == 1
    net = torch.nn.Sequential(torch.nn.Linear(512, 600), torch.nn.BatchNorm1d(600), torch.nn.ReLU(), torch.nn.Linear(600, 3))
    net.load_state_dict(tensors, strict=True)
    net.eval()
    with torch.no_grad():
        expected = net(x).numpy()
    np.testing.assert_allclose(forward(paramd, "large", x), expected, rtol=1e-4, atol=1e-5)
