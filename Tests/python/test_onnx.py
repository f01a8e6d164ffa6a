"""GET /v1/models/{model}/onnx against onnx and onnxruntime themselves: the file passes the
full checker, and onnxruntime computes what paramd's own forward pass computes (float32
rounding only) for every activation, nested blocks, ties and a 784-256-256-10 network."""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest

from networks import RGNET, TIED


def export(server, name: str) -> onnx.ModelProto:
    response = server.session.get(f"{server.url}/v1/models/{name}/onnx")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.onnx"'
    model = onnx.load_from_string(response.content)
    onnx.checker.check_model(model, full_check=True)
    return model


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (output,) = session.run(["output"], {"input": x})
    return output


def forward(server, name: str, x: np.ndarray) -> np.ndarray:
    response = server.session.post(f"{server.url}/v1/models/{name}/forward", json={"inputs": x.tolist()})
    assert response.status_code == 200, response.text
    return np.array(response.json()["outputs"], dtype=np.float32)


def sample(rows: int, *shape: int) -> np.ndarray:
    count = rows * int(np.prod(shape))
    return np.linspace(-3, 3, count, dtype=np.float32).reshape(rows, *shape)


ACTIVATIONS = ["relu", "sigmoid", "tanh", "gelu", "softmax", "identity", "leaky_relu",
               {"type": "leaky_relu", "negative_slope": 0.2}]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
@pytest.mark.parametrize("fused", [False, True], ids=["module", "fused"])
def test_every_activation_computes_what_paramd_computes(paramd, activation, fused):
    if fused:
        layers = [{"type": "dense", "in": 6, "out": 8, "activation": activation}, {"type": "linear", "in": 8, "out": 3}]
    else:
        module = {"type": activation} if isinstance(activation, str) else activation
        layers = [{"type": "linear", "in": 6, "out": 8}, module, {"type": "linear", "in": 8, "out": 3}]
    paramd.create("net", {"type": "sequential", "layers": layers}, seed=3)
    model = export(paramd, "net")
    x = sample(4, 6)
    np.testing.assert_allclose(run(model, x), forward(paramd, "net", x), rtol=1e-5, atol=1e-6)


def test_flatten_and_a_sample_shape(paramd):
    spec = {"type": "sequential", "layers": [{"type": "flatten"}, {"type": "dense", "out": 5, "activation": "tanh"},
                                             {"type": "dense", "out": 2}, {"type": "softmax"}]}
    paramd.create("flat", spec, seed=1, input_shape=[2, 3, 4])
    model = export(paramd, "flat")
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["batch", 2, 3, 4]
    x = sample(3, 2, 3, 4)
    np.testing.assert_allclose(run(model, x), forward(paramd, "flat", x), rtol=1e-5, atol=1e-6)


def test_linear_layers_on_more_than_two_dimensions(paramd):
    spec = {"type": "sequential", "layers": [{"type": "linear", "out": 4}, {"type": "relu"}, {"type": "linear", "out": 2, "bias": False}]}
    paramd.create("deep", spec, seed=1, input_shape=[3, 5])
    model = export(paramd, "deep")
    x = sample(2, 3, 5)
    np.testing.assert_allclose(run(model, x), forward(paramd, "deep", x), rtol=1e-5, atol=1e-6)


def test_nested_blocks_are_named_by_their_paths(paramd):
    paramd.create("rgnet", RGNET, seed=0)
    model = export(paramd, "rgnet")
    initializers = [tensor.name for tensor in model.graph.initializer]
    assert initializers[:2] == ["0.block 0.0.weight", "0.block 0.0.bias"] and initializers[-1] == "1.bias"
    assert len(initializers) == 18
    assert "0.block 3.2" in [node.name for node in model.graph.node]
    x = sample(7, 4)
    np.testing.assert_allclose(run(model, x), forward(paramd, "rgnet", x), rtol=1e-5, atol=1e-6)


def test_a_tie_is_one_initializer_used_twice(paramd):
    paramd.create("tied", TIED, seed=7)
    model = export(paramd, "tied")
    assert [tensor.name for tensor in model.graph.initializer] == ["0.weight", "0.bias", "2.weight", "2.bias", "6.weight", "6.bias"]
    gemms = {node.name: list(node.input[1:]) for node in model.graph.node if node.op_type == "Gemm"}
    assert gemms["2"] == gemms["4"] == ["2.weight", "2.bias"]
    x = sample(3, 20)
    np.testing.assert_allclose(run(model, x), forward(paramd, "tied", x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batch", [1, 64])
def test_a_784_256_256_10_network(paramd, batch):
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 784, "out": 256}, {"type": "relu"},
        {"type": "linear", "in": 256, "out": 256}, {"type": "relu"},
        {"type": "linear", "in": 256, "out": 10}]}
    paramd.create("mnist", spec, seed=0)
    model = export(paramd, "mnist")
    assert model.opset_import[0].version >= 17
    x = np.random.default_rng(0).standard_normal((batch, 784), dtype=np.float32)
    output = run(model, x)
    assert output.shape == (batch, 10)
    np.testing.assert_allclose(output, forward(paramd, "mnist", x), rtol=1e-5, atol=1e-5)


def test_the_file_describes_its_interface(paramd):
    paramd.create("mlp", {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 2}]}, seed=0)
    model = export(paramd, "mlp")
    (graph_input,), (graph_output,) = model.graph.input, model.graph.output
    assert graph_input.name == "input" and graph_output.name == "output"
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_param or d.dim_value for d in graph_input.type.tensor_type.shape.dim] == ["batch", 4]
    assert [d.dim_param or d.dim_value for d in graph_output.type.tensor_type.shape.dim] == ["batch", 2]
    assert model.producer_name == "paramd"
    assert {p.key: p.value for p in model.metadata_props}["paramd.version"] == "1"


def test_a_deferred_model_is_a_409(paramd):
    paramd.create("lazy", {"type": "sequential", "layers": [{"type": "dense", "out": 3}]}, seed=0)
    response = paramd.session.get(f"{paramd.url}/v1/models/lazy/onnx")
    assert response.status_code == 409
    assert "forward" in response.json()["detail"] and "input_shape" in response.json()["detail"]


@pytest.mark.parametrize("spec,width", [
    ({"type": "linear", "in": 4, "out": 2, "activation": "sigmoid"}, 4),
    ({"type": "softmax"}, 5),
    ({"type": "sequential", "layers": []}, 3),
], ids=["linear root", "activation root", "empty"])
def test_models_that_are_not_a_sequential_of_layers(paramd, spec, width):
    paramd.create("odd", spec, seed=2)
    model = export(paramd, "odd")
    x = sample(3, width)
    np.testing.assert_allclose(run(model, x), forward(paramd, "odd", x), rtol=1e-5, atol=1e-6)
