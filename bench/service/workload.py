"""Writes the benchmark's deterministic inputs: the model spec, the weights both servers get,
the request bodies wrk sends, and the reference outputs (numpy, float64) the check compares to.

Usage: python workload.py OUT_DIR
"""
import json
import os
import sys

import numpy as np
import orjson

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "JSONBench"))
from payloads import encode  # noqa: E402  (the client payload families, shared with JSONBench)

MODEL = "mlp"
SPEC = {"type": "sequential", "layers": [
    {"type": "linear", "in": 784, "out": 256}, {"type": "relu"},
    {"type": "linear", "in": 256, "out": 256}, {"type": "relu"},
    {"type": "linear", "in": 256, "out": 10}]}
SHAPES = {"0.weight": (256, 784), "0.bias": (256,), "2.weight": (256, 256), "2.bias": (256,),
          "4.weight": (10, 256), "4.bias": (10,)}
# The parameter the GET and PATCH cases touch: 10x256 floats (~31 KB of JSON) — big enough
# that float formatting counts, small enough that the request path, not the copy, dominates.
GET_PATH = "4.weight"
PATCH_OP = {"op": "set", "index": [0, 0], "value": 1.5}
BATCHES = {"b1": 1, "b64": 64, "b256": 256}
# The JSON forward bodies: forward-b1/b64.json are what most Python clients send
# (requests/httpx `json=` of numpy float32 rows: json.dumps, ", " separators, 17 digits); the
# other client families of bench/JSONBench/payloads.py carry the same inputs as extra cases.
FAMILIES = ["short-compact", "python-compact", "javascript", "pretty", "integers", "orjson"]
JSON_FORWARD_TAGS = ["b1", "b64"] + [f"{family}-{tag}" for family in FAMILIES for tag in ("b1", "b64")]


def weights() -> dict:
    """PyTorch-default-like U(-1/sqrt(in), 1/sqrt(in)) values from a fixed generator."""
    rng = np.random.default_rng(20261127)
    out = {}
    for path, shape in SHAPES.items():
        bound = 1 / np.sqrt(784 if path.startswith("0.") else 256)
        out[path] = rng.uniform(-bound, bound, size=shape).astype(np.float32)
    return out


def inputs(batch: int) -> np.ndarray:
    """MNIST-like pixel intensities in [0, 1), one generator per batch size."""
    return np.random.default_rng(batch).random((batch, 784), dtype=np.float32)


def reference(w: dict, x: np.ndarray) -> np.ndarray:
    h = np.maximum(x.astype(np.float64) @ w["0.weight"].T.astype(np.float64) + w["0.bias"], 0)
    h = np.maximum(h @ w["2.weight"].T.astype(np.float64) + w["2.bias"], 0)
    return h @ w["4.weight"].T.astype(np.float64) + w["4.bias"]


def infer_header(x: np.ndarray) -> bytes:
    """The JSON part of a binary inference request for `x`, binary output asked for."""
    return orjson.dumps({"inputs": [{"name": "input", "shape": list(x.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": x.nbytes}}],
                         "parameters": {"binary_data_output": True}})


def main(out: str) -> None:
    os.makedirs(out, exist_ok=True)
    dump = lambda name, obj: open(os.path.join(out, name), "wb").write(
        orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY))
    w = weights()
    dump("create.json", {"name": MODEL, "seed": 0, "spec": SPEC})
    for path, value in w.items():
        open(os.path.join(out, f"put-{path}.f32"), "wb").write(value.astype("<f4").tobytes())
    for tag, batch in BATCHES.items():
        x = inputs(batch)
        write = lambda name, data: open(os.path.join(out, name), "wb").write(data)
        write(f"forward-{tag}.json", encode("python-default", x.astype(np.float64)))
        write(f"forward-{tag}.f32", x.astype("<f4").tobytes())
        np.save(os.path.join(out, f"reference-{tag}.npy"), reference(w, x))
        # Open Inference Protocol binary infer as tritonclient sends it: the JSON part, then the
        # batch's float32 bytes; its length goes in Inference-Header-Content-Length.
        header = infer_header(x)
        open(os.path.join(out, f"infer-{tag}.bin"), "wb").write(header + x.astype("<f4").tobytes())
        open(os.path.join(out, f"infer-{tag}.length"), "w").write(str(len(header)))
        if tag == "b256":
            continue
        for family in FAMILIES:
            body = encode(family, x.astype(np.float64))
            write(f"forward-{family}-{tag}.json", body)
            # The reference of the values this body holds (short-compact rounds, integers scale).
            sent = np.asarray(json.loads(body)["inputs"], dtype=np.float32)
            np.save(os.path.join(out, f"reference-{family}-{tag}.npy"), reference(w, sent))
    dump("patch.json", PATCH_OP)
    with open(os.path.join(out, "workload.json"), "w") as f:
        json.dump({"model": MODEL, "get_path": GET_PATH, "patch_path": GET_PATH,
                   "sizes": {n: os.path.getsize(os.path.join(out, n)) for n in sorted(os.listdir(out))}}, f)


if __name__ == "__main__":
    main(sys.argv[1])
