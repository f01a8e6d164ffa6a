"""Batch norm, layer norm, embeddings, dropout and residual blocks through the real server,
against torch, safetensors and onnxruntime themselves: seeded weights bit-identical to
torch.manual_seed, the state dict loading with load_state_dict(strict=True) (num_batches_tracked
as int64), training in train mode with running statistics matching torch, eval outputs
matching torch and the exported ONNX model, the buffers' listing and paths, the inference
protocol's INT64 input, and hostile specs refused naming the member."""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from safetensors.torch import load as load_safetensors, save as save_safetensors
from torch import nn

BN_SPEC = {"type": "sequential", "layers": [
    {"type": "linear", "in": 6, "out": 12}, {"type": "batch_norm1d", "num_features": 12}, {"type": "relu"},
    {"type": "dropout", "p": 0.2},
    {"type": "linear", "in": 12, "out": 3}]}


def bn_torch():
    torch.manual_seed(21)
    return nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 3))


class Residual(nn.Sequential):
    def forward(self, x):
        return super().forward(x) + x


RESIDUAL_SPEC = {"type": "sequential", "layers": [
    {"type": "linear", "in": 5, "out": 8},
    {"type": "residual", "layers": [{"type": "layer_norm", "normalized_shape": 8}, {"type": "linear", "in": 8, "out": 8}, {"type": "tanh"}]},
    {"type": "layer_norm", "normalized_shape": [8]}, {"type": "linear", "in": 8, "out": 2}]}


def residual_torch():
    torch.manual_seed(22)
    return nn.Sequential(nn.Linear(5, 8), Residual(nn.LayerNorm(8), nn.Linear(8, 8), nn.Tanh()), nn.LayerNorm([8]), nn.Linear(8, 2))


EMBEDDING_SPEC = {"type": "sequential", "layers": [
    {"type": "embedding", "num_embeddings": 50, "embedding_dim": 4, "padding_idx": 1},
    {"type": "flatten"}, {"type": "linear", "in": 28, "out": 5}]}


def embedding_torch():
    torch.manual_seed(23)
    return nn.Sequential(nn.Embedding(50, 4, padding_idx=1), nn.Flatten(), nn.Linear(28, 5))


NETWORKS = {"bn": (BN_SPEC, 21, bn_torch), "residual": (RESIDUAL_SPEC, 22, residual_torch), "embedding": (EMBEDDING_SPEC, 23, embedding_torch)}


def create(server, name):
    spec, seed, make = NETWORKS[name]
    server.create(name, spec, seed=seed, init="pytorch")
    return make()


def state_dict(server, name):
    response = server.session.get(f"{server.url}/v1/models/{name}/state-dict")
    assert response.status_code == 200, response.text
    return load_safetensors(response.content)


def inputs(name):
    generator = torch.Generator().manual_seed(7)
    if name == "embedding":
        return torch.randint(0, 50, (4, 7), generator=generator)
    width = {"bn": 6, "residual": 5}[name]
    return torch.rand(10, width, generator=generator) * 2 - 1


def forward(server, name, x, **members):
    response = server.session.post(f"{server.url}/v1/models/{name}/forward", json={"inputs": x.tolist(), **members})
    assert response.status_code == 200, response.text
    return torch.tensor(response.json()["outputs"])


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_state_dict_loads_strictly_into_torch_with_bit_identical_seeded_values(paramd, name):
    reference = create(paramd, name)
    values = state_dict(paramd, name)
    assert list(values) == list(reference.state_dict()) or set(values) == set(reference.state_dict())
    reference_values = reference.state_dict()
    for key, value in values.items():
        assert value.dtype == reference_values[key].dtype, key
        assert torch.equal(value, reference_values[key]), key
    fresh = NETWORKS[name][2]()
    fresh.load_state_dict(values, strict=True)
    fresh.eval()
    x = inputs(name)
    assert torch.allclose(forward(paramd, name, x), fresh(x), rtol=1e-5, atol=1e-6)


def test_training_moves_running_statistics_as_torch_does(paramd):
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 6, "out": 12}, {"type": "batch_norm1d", "num_features": 12, "momentum": None},
        {"type": "relu"}, {"type": "linear", "in": 12, "out": 3}]}
    paramd.create("train", spec, seed=5)
    torch.manual_seed(5)
    net = nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12, momentum=None), nn.ReLU(), nn.Linear(12, 3))
    x = inputs("bn")
    labels = torch.arange(10) % 3
    before = paramd.session.get(f"{paramd.url}/v1/models/train").json()["version"]
    # A train-mode forward uses the batch's statistics but never writes.
    train_mode = forward(paramd, "train", x, mode="train")
    net.train()
    assert torch.allclose(train_mode, net(x), rtol=1e-5, atol=1e-6)
    assert paramd.session.get(f"{paramd.url}/v1/models/train").json()["version"] == before
    net.load_state_dict(state_dict(paramd, "train"))
    body = {"inputs": x.tolist(), "targets": labels.tolist(), "loss": "cross_entropy", "epochs": 3, "batch_size": 10,
            "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}
    response = paramd.session.post(f"{paramd.url}/v1/models/train/train", json=body)
    assert response.status_code == 200 and '"done"' in response.text, response.text
    # SGD, not Adam: the bias before a batch norm has a gradient that is zero but for rounding,
    # which Adam's division by √v would blow up into steps of either sign.
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x), labels).backward()
        optimizer.step()
    trained = state_dict(paramd, "train")
    assert trained["1.num_batches_tracked"].dtype == torch.int64 and trained["1.num_batches_tracked"].item() == 3
    for key, value in net.state_dict().items():
        assert torch.allclose(trained[key].to(value.dtype), value, rtol=1e-4, atol=1e-6), key
    net.eval()
    assert torch.allclose(forward(paramd, "train", x), net(x), rtol=1e-4, atol=1e-5)


def test_buffers_are_listed_apart_and_read_and_written_by_path(paramd):
    create(paramd, "bn")
    listing = paramd.session.get(f"{paramd.url}/v1/models/bn/parameters").json()["parameters"]
    assert [p["name"] for p in listing] == ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"]
    buffers = paramd.session.get(f"{paramd.url}/v1/models/bn/parameters?kind=buffers").json()["parameters"]
    assert [(b["name"], b["dtype"], b["shape"]) for b in buffers] == [
        ("1.running_mean", "float32", [12]), ("1.running_var", "float32", [12]), ("1.num_batches_tracked", "int64", [])]
    everything = paramd.session.get(f"{paramd.url}/v1/models/bn/parameters?kind=all&prefix=1").json()["parameters"]
    assert [p["name"] for p in everything] == ["1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert paramd.session.get(f"{paramd.url}/v1/models/bn/parameters?kind=grads").status_code == 400
    counter = paramd.session.get(f"{paramd.url}/v1/models/bn/parameters/1.num_batches_tracked").json()
    assert counter["value"] == 0 and counter["dtype"] == "int64"
    put = paramd.session.put(f"{paramd.url}/v1/models/bn/parameters/1.running_var", json={"value": [2.0] * 12})
    assert put.status_code == 200, put.text
    assert state_dict(paramd, "bn")["1.running_var"].tolist() == [2.0] * 12
    bad = paramd.session.put(f"{paramd.url}/v1/models/bn/parameters/1.num_batches_tracked", json={"value": 0.5})
    assert bad.status_code in (400, 422) and "1.num_batches_tracked" in bad.text


def test_state_dict_upload_takes_int64_counters(paramd):
    reference = create(paramd, "bn")
    with torch.no_grad():
        reference[1].running_mean.fill_(0.5)
        reference[1].num_batches_tracked.fill_(7)
    response = paramd.session.put(
        f"{paramd.url}/v1/models/bn/state-dict", data=save_safetensors(reference.state_dict()),
        headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    assert response.json()["missing_keys"] == [] and response.json()["unexpected_keys"] == []
    values = state_dict(paramd, "bn")
    assert values["1.num_batches_tracked"].item() == 7 and values["1.running_mean"].tolist() == [0.5] * 12


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_onnx_export_runs_in_onnxruntime_as_paramd_evaluates(paramd, name):
    create(paramd, name)
    response = paramd.session.get(f"{paramd.url}/v1/models/{name}/onnx")
    assert response.status_code == 200, response.text
    model = onnx.load_from_string(response.content)
    onnx.checker.check_model(model, full_check=True)
    operators = {node.op_type for node in model.graph.node}
    assert "Dropout" not in operators
    expected = {"bn": "BatchNormalization", "residual": "LayerNormalization", "embedding": "Gather"}[name]
    assert expected in operators
    if name == "residual":
        assert "Add" in operators
    x = inputs(name)
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feed = x.numpy().astype(np.int64 if name == "embedding" else np.float32)
    (output,) = session.run(["output"], {"input": feed})
    assert np.allclose(output, forward(paramd, name, x).numpy(), rtol=1e-5, atol=1e-5)


def test_flatten_of_inner_dimensions_exports_as_reshape(paramd):
    spec = {"type": "sequential", "layers": [{"type": "flatten", "start_dim": 2}, {"type": "linear", "in": 20, "out": 3}]}
    paramd.create("inner", spec, seed=3, input_shape=[2, 4, 5])
    torch.manual_seed(3)
    reference = nn.Sequential(nn.Flatten(start_dim=2), nn.Linear(20, 3))
    x = torch.rand(6, 2, 4, 5, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(forward(paramd, "inner", x), reference(x), rtol=1e-5, atol=1e-6)
    model = onnx.load_from_string(paramd.session.get(f"{paramd.url}/v1/models/inner/onnx").content)
    onnx.checker.check_model(model, full_check=True)
    assert "Reshape" in {node.op_type for node in model.graph.node}
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (output,) = session.run(["output"], {"input": x.numpy()})
    assert np.allclose(output, reference(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_inference_protocol_advertises_and_takes_int64_token_ids(paramd):
    reference = create(paramd, "embedding")
    metadata = paramd.session.get(f"{paramd.url}/v2/models/embedding").json()
    assert metadata["inputs"] == [{"name": "input", "datatype": "INT64", "shape": [-1, -1]}]
    assert metadata["outputs"][0]["datatype"] == "FP32"
    x = inputs("embedding")
    body = {"inputs": [{"name": "input", "datatype": "INT64", "shape": list(x.shape), "data": x.reshape(-1).tolist()}]}
    response = paramd.session.post(f"{paramd.url}/v2/models/embedding/infer", json=body)
    assert response.status_code == 200, response.text
    reference.eval()
    got = torch.tensor(response.json()["outputs"][0]["data"]).reshape(4, 5)
    assert torch.allclose(got, reference(x), rtol=1e-5, atol=1e-6)
    raw = paramd.session.post(
        f"{paramd.url}/v1/models/embedding/forward", data=x.numpy().astype("<i8").tobytes(),
        headers={"Content-Type": "application/octet-stream", "Tensor-DType": "int64", "Tensor-Shape": "4,7"})
    assert raw.status_code == 200, raw.text
    assert torch.allclose(torch.tensor(raw.json()["outputs"]), reference(x), rtol=1e-5, atol=1e-6)
    out_of_range = paramd.session.post(f"{paramd.url}/v1/models/embedding/forward", json={"inputs": [[50] * 7]})
    assert out_of_range.status_code == 422 and "0..<50" in out_of_range.text


@pytest.mark.parametrize("spec, member", [
    ({"type": "batch_norm1d", "num_features": 0}, "spec.num_features"),
    ({"type": "embedding", "num_embeddings": 10, "embedding_dim": -2}, "spec.embedding_dim"),
    ({"type": "layer_norm", "normalized_shape": [1048576, 1048576]}, "spec.normalized_shape"),
    ({"type": "embedding", "num_embeddings": 16000000, "embedding_dim": 1000000}, "spec"),
    ({"type": "dropout", "p": -0.1}, "spec.p"),
    ({"type": "residual", "layers": [{"type": "linear", "in": 3, "out": 4}]}, "spec"),
])
def test_hostile_specs_are_refused_naming_the_member(paramd, spec, member):
    response = paramd.session.post(f"{paramd.url}/v1/models", json={"name": "hostile", "spec": spec})
    assert response.status_code in (400, 422), response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert member in response.json()["detail"]
    assert paramd.session.get(f"{paramd.url}/v1/models/hostile").status_code == 404


def test_restart_keeps_running_statistics(paramd_factory, tmp_path):
    data_dir = str(tmp_path / "data")
    server = paramd_factory(data_dir=data_dir)
    server.create("bn", BN_SPEC, seed=21)
    x = inputs("bn")
    body = {"inputs": x.tolist(), "targets": (torch.arange(10) % 3).tolist(), "loss": "cross_entropy"}
    assert server.session.post(f"{server.url}/v1/models/bn/backward", json=body).status_code == 200
    before = state_dict(server, "bn")
    assert before["1.num_batches_tracked"].item() == 1
    server.stop()
    again = paramd_factory(data_dir=data_dir)
    after = state_dict(again, "bn")
    assert set(after) == set(before)
    for key in before:
        assert torch.equal(after[key], before[key]), key
