"""JSON numbers as Python clients write them reach paramd as the very Float32 values the client
held: forward inputs and PUT values sent as `json.dumps` of numpy float32 rows (17 digits,
", " separators), compact, pretty-printed or through orjson give bit for bit what the same
values sent as raw float32 give; PATCH values are rounded once, from their text, not through
a Double first.
"""
import json
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import orjson
import pytest

OCTET = "application/octet-stream"
SPEC = {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 16}, {"type": "relu"},
                                         {"type": "linear", "in": 16, "out": 4}]}
WRITERS = {
    "python-default": lambda rows: json.dumps({"inputs": rows.tolist()}),
    "python-compact": lambda rows: json.dumps({"inputs": rows.tolist()}, separators=(",", ":")),
    "pretty": lambda rows: json.dumps({"inputs": rows.tolist()}, indent=2),
    "orjson": lambda rows: orjson.dumps({"inputs": rows}, option=orjson.OPT_SERIALIZE_NUMPY),
}


def client_rows(batch: int) -> np.ndarray:
    """Standardized features and pixels, zeros, tiny values (exponent forms), as float32."""
    rng = np.random.default_rng(batch)
    x = np.where(rng.random((batch, 784)) < 0.5, rng.random((batch, 784)), rng.standard_normal((batch, 784)))
    x[rng.random((batch, 784)) < 0.1] = 0
    x[rng.random((batch, 784)) < 0.02] *= 1e-7
    return x.astype(np.float32)


def raw_forward(paramd, rows: np.ndarray) -> bytes:
    response = paramd.session.post(
        f"{paramd.url}/v1/models/mlp/forward", data=rows.astype("<f4").tobytes(),
        headers={"Content-Type": OCTET, "Accept": OCTET, "Tensor-Shape": f"{rows.shape[0]},784"})
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture
def model(paramd):
    response = paramd.session.post(f"{paramd.url}/v1/models", json={"name": "mlp", "seed": 3, "spec": SPEC})
    assert response.status_code == 201, response.text
    return paramd


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("batch", [1, 64])
def test_forward_json_inputs_equal_raw_inputs_bit_for_bit(model, writer, batch):
    rows = client_rows(batch)
    body = WRITERS[writer](rows)
    response = model.session.post(f"{model.url}/v1/models/mlp/forward", data=body,
                                  headers={"Content-Type": "application/json", "Accept": OCTET})
    assert response.status_code == 200, response.text
    # The same Floats in, so the same pass and the same bits out as the raw body.
    assert response.content == raw_forward(model, rows)


def test_requests_json_argument_is_read_exactly(model):
    """`requests.post(json=...)`: what most Python clients do, default separators."""
    rows = client_rows(8)
    response = model.session.post(f"{model.url}/v1/models/mlp/forward", json={"inputs": rows.tolist()},
                                  headers={"Accept": OCTET})
    assert response.status_code == 200, response.text
    assert response.content == raw_forward(model, rows)


def test_put_json_value_equals_the_float32_values(model):
    value = client_rows(16)[:, :16].T.copy()[:4]  # a [4, 16] weight's worth of client values
    response = model.session.put(f"{model.url}/v1/models/mlp/parameters/2.weight",
                                 data=json.dumps({"value": value.tolist()}, indent=1),
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    stored = model.session.get(f"{model.url}/v1/models/mlp/parameters/2.weight", headers={"Accept": OCTET})
    assert np.frombuffer(stored.content, dtype="<f4").tobytes() == value.astype("<f4").tobytes()


def above_midpoint_text() -> tuple[str, np.float32]:
    """A decimal just above (by 2^-70) the midpoint m between a Float32 f with an even
    significand and the next one: its nearest Float32 is the next one. Rounded to a Double
    first it becomes m itself, which ties to even, down to f; and m's shortest Double form,
    which a tree of Doubles writes back out, lies below m, so it reads back as f too. The
    first such f above 1 is found by search rather than typed in."""
    getcontext().prec = 120
    for k in range(0, 1 << 20, 2):
        f = np.float32(1 + k * 2.0**-23)
        midpoint = Fraction(float(f)) + Fraction(1, 2**24)
        if Fraction(repr(float(midpoint))) < midpoint:
            break
    exact = midpoint + Fraction(1, 2**70)
    text = str(Decimal(exact.numerator) / Decimal(exact.denominator))
    assert Fraction(Decimal(text)) == exact
    assert np.float32(float(text)) == f  # the double rounding this guards against
    return text, np.nextafter(f, np.float32(2))


# Each PATCH body, and the cells of 2.weight ([4, 16]) it sets to the value of `text`.
PATCHES = {
    "set-tensor": ('{"op": "set", "slice": "0:2,0", "value": [%(t)s, %(t)s]}', [(0, 0), (1, 0)]),
    "set-scalar": ('{"op": "set", "index": [0, 1], "value": %(t)s}', [(0, 1)]),
    "fill": ('{"op": "fill", "value": %(t)s}', [(r, c) for r in range(4) for c in range(16)]),
    "ops-list": ('{"ops": [{"op": "fill", "value": 0.5}, {"op": "set", "slice": "0,0:2", "value": [%(t)s, %(t)s]}]}',
                 [(0, 0), (0, 1)]),
}


@pytest.mark.parametrize("operation", sorted(PATCHES))
def test_patch_values_round_once_from_their_text(model, operation):
    text, nearest = above_midpoint_text()
    body, cells = PATCHES[operation]
    response = model.session.patch(f"{model.url}/v1/models/mlp/parameters/2.weight", data=body % {"t": text},
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    stored = np.frombuffer(model.session.get(f"{model.url}/v1/models/mlp/parameters/2.weight",
                                             headers={"Accept": OCTET}).content, dtype="<f4").reshape(4, 16)
    for row, column in cells:
        assert stored[row, column] == nearest, f"{operation} [{row}, {column}]: {stored[row, column]!r}"
