"""Clients generated from api/openapi.yaml by the two common PyPI generators drive the chapter.

Each test generates a client from the current contract into a temporary folder, exactly as the
README tells users to (`openapi-generator-cli generate -g python`, `openapi-python-client
generate`), imports it, and walks the chapter through it against a live paramd: the three MLPs
(PyTorch's, Gluon's deferred dense, Keras's input_shape), targeted parameters, rgnet, the
initializers, direct edits with ETags, ties, training progress and forward. Requests are built
from the chapter's JSON with the generated models' `from_dict`, which is where untagged or
overlapping unions used to fail ("Multiple matches found"), and a few are built from the typed
classes directly. Expected numbers come from torch, computed here.
"""
from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import ROOT

CONTRACT = ROOT / "api" / "openapi.yaml"

MLP = {"type": "sequential", "layers": [
    {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}
GLUON = {"type": "sequential", "layers": [{"type": "dense", "out": 8, "activation": "relu"}, {"type": "dense", "out": 1}]}
KERAS = {"type": "sequential", "layers": [
    {"type": "flatten"}, {"type": "dense", "out": 4, "activation": {"type": "relu"}}, {"type": "dense", "out": 1}]}
BLOCK = [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]
RGNET = {"type": "sequential", "layers": [
    {"type": "sequential", "layers": [
        {"name": f"block {i}", "type": "sequential", "layers": BLOCK} for i in range(4)]},
    {"type": "linear", "in": 4, "out": 1}]}
TIED = {"type": "sequential", "layers": [
    {"type": "linear", "in": 20, "out": 8}, {"type": "relu"},
    {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
    {"ref": "shared"}, {"type": "leaky_relu", "negative_slope": 0.1}, {"type": "linear", "out": 1}]}
X = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]


def generator_command(name: str) -> str:
    """The console script pip installed beside this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed (Tests/python/requirements.txt)"
    return found


def generate(command: list[str], package: str, folder: Path, package_root: Path):
    """Runs a generator, then imports the package it wrote from `package_root`."""
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    sys.path.insert(0, str(package_root))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(package_root))


def torch_mlp() -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))


def flat(value) -> list[float]:
    """A nested JSON tensor's numbers in row-major order, as the float32 values they denote
    (paramd writes each float32 in its shortest round-trip form)."""
    def numbers(v):
        return [x for element in v for x in numbers(element)] if isinstance(v, list) else [v]
    return torch.tensor(numbers(value), dtype=torch.float32).tolist()


class OpenAPIGeneratorClient:
    """The walkthrough's verbs over `openapi-generator-cli generate -g python`'s package."""

    def __init__(self, package, url: str):
        self.package = package
        configuration = package.Configuration(host=url)
        api_client = package.ApiClient(configuration)
        self.models = package.ModelsApi(api_client)
        self.parameters = package.ParametersApi(api_client)
        self.compute = package.ComputeApi(api_client)

    def create(self, body: dict) -> dict:
        request = self.package.CreateModelRequest.from_dict(body)
        return self.models.create_model(request).to_dict()

    def names(self) -> list[str]:
        return [model.name for model in self.models.list_models().models]

    def describe(self, name: str) -> dict:
        description = self.models.describe_model(name)
        # The spec comes back as the tagged union: the root is a SequentialLayer.
        assert isinstance(description.spec.actual_instance, self.package.SequentialLayer)
        return description.to_dict()

    def list_parameters(self, name: str, prefix: str | None = None) -> list[dict]:
        return [p.to_dict() for p in self.parameters.list_parameters(name, prefix=prefix).parameters]

    def parameter(self, name: str, path: str, slice: str | None = None) -> dict:
        return self.parameters.get_parameter(name, path, slice=slice).to_dict()

    def initialize(self, name: str, body: dict) -> dict:
        return self.parameters.initialize(name, self.package.InitializeRequest.from_dict(body)).to_dict()

    def edit(self, name: str, path: str, body: dict, if_match: str | None = None) -> dict:
        request = self.package.EditRequest.from_dict(body)
        return self.parameters.patch_parameter(name, path, request, if_match=if_match).to_dict()

    def edit_typed_set(self, name: str, path: str, index: list[int], value: float) -> dict:
        p = self.package
        op = p.EditOp(p.SetOp(op="set", index=index, value=p.TensorValue(value)))
        return self.parameters.patch_parameter(name, path, p.EditRequest(op)).to_dict()

    def edit_status(self, name: str, path: str, body: dict, if_match: str) -> int:
        try:
            self.edit(name, path, body, if_match=if_match)
            return 200
        except self.package.ApiException as error:
            return error.status

    def train(self, name: str, body: dict) -> list[dict]:
        # The progress streams as NDJSON, which the generated deserializer does not parse:
        # read the lines from the raw response as they arrive.
        response = self.compute.train_without_preload_content(name, self.package.TrainRequest.from_dict(body))
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.read().decode().splitlines() if line]

    def forward(self, name: str, inputs: list) -> dict:
        request = self.package.ForwardRequest.from_dict({"inputs": inputs})
        return self.compute.forward(name, request).to_dict()


class OpenAPIPythonClient:
    """The walkthrough's verbs over `openapi-python-client generate`'s package."""

    def __init__(self, package, url: str):
        self.package = package
        self.models = importlib.import_module(package.__name__ + ".models")
        self.api = lambda tag, operation: importlib.import_module(f"{package.__name__}.api.{tag}.{operation}")
        self.client = package.Client(base_url=url, raise_on_unexpected_status=True, timeout=60)

    def call(self, tag: str, operation: str, *args, expect=None, **kwargs):
        response = self.api(tag, operation).sync_detailed(*args, client=self.client, **kwargs)
        assert response.status_code == 200 or response.status_code == 201, response.content
        parsed = response.parsed
        if expect is not None:
            assert isinstance(parsed, expect), parsed
        return parsed

    def create(self, body: dict) -> dict:
        request = self.models.CreateModelRequest.from_dict(body)
        return self.call("models", "create_model", body=request, expect=self.models.ModelDescription).to_dict()

    def names(self) -> list[str]:
        return [model.name for model in self.call("models", "list_models", expect=self.models.ModelList).models]

    def describe(self, name: str) -> dict:
        description = self.call("models", "describe_model", name, expect=self.models.ModelDescription)
        assert isinstance(description.spec, self.models.SequentialLayer)
        return description.to_dict()

    def list_parameters(self, name: str, prefix: str | None = None) -> list[dict]:
        from_types = importlib.import_module(self.package.__name__ + ".types")
        listing = self.call("parameters", "list_parameters", name, prefix=prefix if prefix is not None else from_types.UNSET,
                            expect=self.models.ParameterList)
        return [p.to_dict() for p in listing.parameters]

    def parameter(self, name: str, path: str, slice: str | None = None) -> dict:
        from_types = importlib.import_module(self.package.__name__ + ".types")
        return self.call("parameters", "get_parameter", name, path, slice_=slice if slice is not None else from_types.UNSET,
                         expect=self.models.Parameter).to_dict()

    def initialize(self, name: str, body: dict) -> dict:
        kind = self.models.InitializeByRules if "rules" in body else self.models.InitializeAll
        return self.call("parameters", "initialize", name, body=kind.from_dict(body), expect=self.models.InitializeResult).to_dict()

    def edit_body(self, body: dict):
        if "ops" in body:
            return self.models.EditOps.from_dict(body)
        return (self.models.SetOp if body["op"] == "set" else self.models.ArithmeticOp).from_dict(body)

    def edit(self, name: str, path: str, body: dict, if_match: str | None = None) -> dict:
        from_types = importlib.import_module(self.package.__name__ + ".types")
        return self.call("parameters", "patch_parameter", name, path, body=self.edit_body(body),
                         if_match=if_match if if_match is not None else from_types.UNSET, expect=self.models.Parameter).to_dict()

    def edit_typed_set(self, name: str, path: str, index: list[int], value: float) -> dict:
        op = self.models.SetOp(op=self.models.SetOpOp.SET, value=value, index=index)
        return self.call("parameters", "patch_parameter", name, path, body=op, expect=self.models.Parameter).to_dict()

    def edit_status(self, name: str, path: str, body: dict, if_match: str) -> int:
        response = self.api("parameters", "patch_parameter").sync_detailed(
            name, path, client=self.client, body=self.edit_body(body), if_match=if_match)
        if response.status_code != 200:
            assert isinstance(response.parsed, self.models.Problem)
            assert response.parsed.status == response.status_code
        return response.status_code

    def train(self, name: str, body: dict) -> list[dict]:
        text = self.call("compute", "train", name, body=self.models.TrainRequest.from_dict(body))
        return [json.loads(line) for line in text.splitlines() if line]

    def forward(self, name: str, inputs: list) -> dict:
        request = self.models.ForwardRequest.from_dict({"inputs": inputs})
        return self.call("compute", "forward", name, body=request, expect=self.models.ForwardResponse).to_dict()


def walk_the_chapter(client) -> None:
    """The chapter, through `client`; the numbers are torch's."""
    reference = torch_mlp()

    # An MLP, three ways.
    created = client.create({"name": "mlp", "seed": 0, "init": "pytorch", "spec": MLP})
    assert created["version"] == 1 and created["parameter_count"] == 49 and created["init"] == "pytorch"
    gluon = client.create({"name": "mlp-gluon", "seed": 0, "init": "mxnet", "spec": GLUON})
    assert gluon["initialized"] is False and gluon["parameter_count"] == 0
    keras = client.create({"name": "mlp-keras", "seed": 0, "init": {"name": "keras"}, "input_shape": [4], "spec": KERAS})
    assert keras["parameter_count"] == 25 and keras["input_shape"] == [4]

    outputs = client.forward("mlp", X)
    assert outputs["shape"] == [2, 1]
    expected = reference(torch.tensor(X)).detach().flatten().tolist()
    assert flat(outputs["outputs"]) == pytest.approx(expected, abs=1e-6)
    client.forward("mlp-gluon", X)
    gluon = client.describe("mlp-gluon")
    assert gluon["initialized"] is True and gluon["version"] == 2 and gluon["parameter_count"] == 49
    assert client.describe("mlp")["tree"].startswith("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)")

    # Targeted parameters.
    bias = client.parameter("mlp", "2.bias")
    assert bias["shape"] == [1] and bias.get("grad") is None
    assert flat(bias["value"]) == reference[2].bias.tolist()
    assert flat(client.parameter("mlp", "0.weight", slice="0:2")["value"]) == reference[0].weight[0:2].flatten().tolist()
    assert [p["name"] for p in client.list_parameters("mlp", prefix="0")] == ["0.weight", "0.bias"]
    assert [p["name"] for p in client.list_parameters("mlp")] == ["0.weight", "0.bias", "2.weight", "2.bias"]

    # Nested blocks: the space in `block 1` travels percent-encoded.
    client.create({"name": "rgnet", "seed": 0, "spec": RGNET})
    assert "(block 3): Sequential(" in client.describe("rgnet")["tree"]
    nested = client.parameter("rgnet", "0.block 1.0.bias")
    assert nested["name"] == "0.block 1.0.bias" and nested["shape"] == [8]

    # Built-in initialization: torch.manual_seed(0), then normal_(std=0.01) per weight in order.
    result = client.initialize("mlp", {"seed": 0, "rules": [
        {"match": "**.weight", "init": {"name": "normal", "mean": 0, "std": 0.01}}, {"match": "**.bias", "init": "zeros"}]})
    assert result["initialized"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    torch.manual_seed(0)
    first = torch.empty(8, 4).normal_(0, 0.01)
    assert flat(client.parameter("mlp", "0.weight")["value"]) == first.flatten().tolist()
    assert flat(client.parameter("mlp", "0.bias")["value"]) == [0.0] * 8
    client.initialize("mlp", {"seed": 0, "rules": [
        {"match": "0.weight", "init": "xavier_uniform"}, {"match": "2.weight", "init": {"name": "constant", "value": 42}}]})
    assert flat(client.parameter("mlp", "2.weight")["value"]) == [42.0] * 8
    client.initialize("mlp", {"seed": 0, "match": "0", "init": {"name": "kaiming_uniform", "nonlinearity": "relu"}})
    client.initialize("mlp", {"seed": 0, "rules": [{"match": "**.weight", "init": {"name": "mixture", "components": [
        {"weight": 0.25, "init": {"name": "uniform", "a": 5, "b": 10}}, {"weight": 0.5, "init": "zeros"},
        {"weight": 0.25, "init": {"name": "uniform", "a": -10, "b": -5}}]}}]})
    mixed = flat(client.parameter("mlp", "0.weight")["value"])
    assert all(x == 0 or 5 <= abs(x) <= 10 for x in mixed) and any(x != 0 for x in mixed)

    # Setting parameters directly: all or nothing, with ETags.
    before = flat(client.parameter("mlp", "0.weight")["value"])
    edited = client.edit("mlp", "0.weight", {"ops": [{"op": "add", "value": 1}, {"op": "set", "index": [0, 0], "value": 42}]})
    assert flat(edited["value"]) == pytest.approx([42.0] + [x + 1 for x in before[1:]], abs=1e-5)
    version = client.describe("mlp")["version"]
    assert client.edit_status("mlp", "2.bias", {"op": "fill", "value": 0}, if_match='"1"') == 412
    assert client.edit_status("mlp", "2.bias", {"op": "fill", "value": 0}, if_match=f'"{version}"') == 200
    assert client.edit("mlp", "2.weight", {"op": "set", "slice": "0,1:3", "value": [7, 8]})["value"][0][1:3] == [7.0, 8.0]

    # Tied parameters: one tensor at both positions, listed once with its alias.
    client.create({"name": "tied", "seed": 0, "spec": TIED})
    listed = {p["name"]: p["aliases"] for p in client.list_parameters("tied")}
    assert listed["2.weight"] == ["4.weight"] and "4.weight" not in listed
    client.edit_typed_set("tied", "2.weight", [0, 0], 100)
    through_alias = client.parameter("tied", "4.weight", slice="0")
    assert through_alias["name"] == "2.weight" and through_alias["value"][0] == 100.0

    # Training: progress per step, then done with the new version; the tie holds.
    lines = client.train("tied", {"inputs": [[0.1 * i for i in range(1, 21)]], "targets": [[1.0]], "loss": "mse",
                                  "optimizer": {"name": "sgd", "lr": 0.01}, "epochs": 3})
    assert [line.get("step") for line in lines[:-1]] == [1, 2, 3]
    assert lines[-1]["done"] is True and lines[-1]["version"] == 3
    assert lines[2]["loss"] < lines[0]["loss"]
    assert client.parameter("tied", "4.weight").get("grad") is not None
    assert client.forward("tied", [[0.5] * 20])["shape"] == [1, 1]

    assert client.names() == ["mlp", "mlp-gluon", "mlp-keras", "rgnet", "tied"]


def test_openapi_generator_python_client_walks_the_chapter(paramd, tmp_path):
    command = [generator_command("openapi-generator-cli"), "generate", "-g", "python", "-i", str(CONTRACT),
               "-o", str(tmp_path / "out"), "--package-name", "paramd_client",
               "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false"]
    package = generate(command, "paramd_client", tmp_path, tmp_path / "out")
    walk_the_chapter(OpenAPIGeneratorClient(package, paramd.url))


def test_openapi_python_client_walks_the_chapter(paramd, tmp_path):
    command = [generator_command("openapi-python-client"), "generate", "--path", str(CONTRACT),
               "--output-path", str(tmp_path / "paramd_client_opc"), "--meta", "none"]
    package = generate(command, "paramd_client_opc", tmp_path, tmp_path)
    walk_the_chapter(OpenAPIPythonClient(package, paramd.url))
