"""The Python peer of paramd: FastAPI + uvicorn + PyTorch serving the routes the benchmark uses.

Same paths and JSON shapes as /work/notes/api.md (paramd's REST API) for: create a model,
read / replace / patch one parameter, forward (JSON or raw float32), health. Written the way a
competent Python developer would for throughput: bodies parsed with orjson (not pydantic models,
whose per-float validation would dominate), tensors converted through numpy, responses encoded
by orjson straight from numpy arrays, inference under torch.inference_mode, one torch thread
(the server is pinned to one core). Writes are durable before they are acknowledged
(see storage.py), serialized per model by an asyncio lock, and the fsync runs in the
threadpool so reads keep flowing meanwhile.

Run: PEER_DATA_DIR=/tmp/x uvicorn app:app --loop uvloop --http httptools --workers 1
"""
import asyncio
import os
import re

import numpy as np
import orjson
import torch
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

import spec as specs
from storage import ModelStore

torch.set_num_threads(1)

OCTET = "application/octet-stream"
NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")
DUMP_OPTIONS = orjson.OPT_SERIALIZE_NUMPY

app = FastAPI(title="paramd peer (FastAPI + PyTorch)", docs_url=None, redoc_url=None)
store = ModelStore(os.environ.get("PEER_DATA_DIR", "./peer-data"))


class Problem(Exception):
    """An RFC 9457 problem the client gets as application/problem+json."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


@app.exception_handler(Problem)
async def problem_response(request: Request, problem: Problem) -> Response:
    body = {"type": "https://paramd.dev/problems/" + problem.title.lower().replace(" ", "-"),
            "title": problem.title, "status": problem.status, "detail": problem.detail,
            "instance": request.url.path}
    return Response(orjson.dumps(body), status_code=problem.status, media_type="application/problem+json")


class Model:
    """A named module, its version, and a lock that serializes its writes."""

    def __init__(self, name: str, module: torch.nn.Module, description: dict) -> None:
        self.name, self.module, self.description = name, module, description
        self.version = 1
        self.lock = asyncio.Lock()
        self.parameters = dict(module.named_parameters(remove_duplicate=False))

    def aliases(self, path: str) -> list:
        tensor = self.parameters[path]
        return [other for other, p in self.parameters.items() if p is tensor and other != path]

    def state(self) -> dict:
        return {name: p.detach() for name, p in self.module.named_parameters()}


models: dict[str, Model] = {}


def json_response(body: dict, model: Model, status: int = 200, headers: dict | None = None) -> Response:
    all_headers = {"ETag": f'"{model.version}"', **(headers or {})}
    return Response(orjson.dumps(body, option=DUMP_OPTIONS), status_code=status,
                    media_type="application/json", headers=all_headers)


async def json_body(request: Request) -> dict:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as error:
        raise Problem(400, "Malformed JSON", str(error)) from None
    if not isinstance(body, dict):
        raise Problem(400, "Malformed JSON", "the body must be a JSON object")
    return body


def lookup(name: str) -> Model:
    model = models.get(name)
    if model is None:
        raise Problem(404, "Not Found", f"no model named {name!r}")
    return model


def parameter(model: Model, path: str) -> torch.nn.Parameter:
    tensor = model.parameters.get(path)
    if tensor is None:
        raise Problem(422, "Unknown Parameter", f"model {model.name!r} has no parameter {path!r}")
    return tensor


def tensor_shape(request: Request) -> tuple:
    header = request.headers.get("tensor-shape")
    if header is None:
        raise Problem(400, "Missing Tensor-Shape", "raw float32 bodies need a Tensor-Shape header")
    try:
        return tuple(int(d) for d in header.split(",") if d.strip())
    except ValueError:
        raise Problem(400, "Bad Tensor-Shape", f"Tensor-Shape {header!r} is not comma-separated integers") from None


async def tensor_body(request: Request, key: str) -> np.ndarray:
    """The request's tensor: raw little-endian float32 + Tensor-Shape, or JSON {key: nested}."""
    if request.headers.get("content-type", "").startswith(OCTET):
        shape = tensor_shape(request)
        raw = await request.body()
        if len(raw) != 4 * int(np.prod(shape)):
            raise Problem(400, "Bad Body Length", f"{len(raw)} bytes do not hold float32 shape {list(shape)}")
        array = np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
        if not np.isfinite(array).all():
            raise Problem(400, "Non-Finite Input", "NaN and infinities are rejected in inputs")
        return array
    body = await json_body(request)
    if key not in body:
        raise Problem(400, "Missing Field", f"the body needs {key!r}")
    try:
        return np.asarray(body[key], dtype=np.float32)
    except (ValueError, TypeError) as error:
        raise Problem(400, "Bad Tensor", f"{key!r} is not a rectangular array of numbers: {error}") from None


def parameter_response(model: Model, path: str, request: Request) -> Response:
    value = parameter(model, path).detach().numpy()
    if OCTET in request.headers.get("accept", ""):
        return Response(value.astype("<f4").tobytes(), media_type=OCTET, headers={
            "Tensor-Shape": ",".join(map(str, value.shape)), "ETag": f'"{model.version}"'})
    grad = model.parameters[path].grad
    return json_response({"name": path, "shape": list(value.shape), "dtype": "float32",
                          "aliases": model.aliases(path), "value": value,
                          "grad": None if grad is None else grad.numpy()}, model)


async def commit(model: Model, path: str, new_value: torch.Tensor) -> None:
    """Makes `new_value` the value of `path` once it is durable on disk (caller holds model.lock)."""
    state = model.state()
    target = model.parameters[path]
    for name, tensor in state.items():
        if model.parameters[name] is target:
            state[name] = new_value
    await run_in_threadpool(store.save_state, model.name, state)
    with torch.no_grad():
        target.copy_(new_value)
    model.version += 1


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@app.post("/v1/models")
async def create(request: Request) -> Response:
    body = await json_body(request)
    name = body.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise Problem(400, "Invalid Name", "names are [A-Za-z0-9._-]{1,64}, not starting with '.'")
    if name in models:
        raise Problem(409, "Name Exists", f"a model named {name!r} exists")
    seed = int(body.get("seed", 0))
    try:
        module = specs.build(body.get("spec"), seed)
    except (specs.SpecError, KeyError, TypeError, ValueError) as error:
        raise Problem(400, "Invalid Spec", str(error)) from None
    description = {"name": name, "seed": seed, "init": body.get("init", "pytorch"), "spec": body.get("spec")}
    model = Model(name, module, description)
    await run_in_threadpool(store.save_spec, name, description)
    await run_in_threadpool(store.save_state, name, model.state())
    models[name] = model
    count = sum(p.numel() for p in module.parameters())
    return json_response({**description, "version": model.version, "tree": str(module),
                          "parameter_count": count, "tensor_count": len(model.state()),
                          "initialized": True}, model, 201, {"Location": f"/v1/models/{name}"})


@app.get("/v1/models/{name}/parameters/{path:path}")
async def read_parameter(name: str, path: str, request: Request) -> Response:
    return parameter_response(lookup(name), path, request)


@app.put("/v1/models/{name}/parameters/{path:path}")
async def replace_parameter(name: str, path: str, request: Request) -> Response:
    model = lookup(name)
    current = parameter(model, path)
    value = await tensor_body(request, "value")
    if tuple(value.shape) != tuple(current.shape):
        raise Problem(422, "Shape Mismatch",
                      f"{path} has shape {list(current.shape)} but the value has shape {list(value.shape)}")
    async with model.lock:
        await commit(model, path, torch.from_numpy(value))
    return parameter_response(model, path, request)


def region(tensor: torch.Tensor, op: dict) -> tuple:
    """The index expression an op addresses: `index` (one element), `slice` (numpy basic), or all."""
    if "index" in op:
        return tuple(int(i) for i in op["index"])
    if "slice" in op:
        parts = []
        for part in str(op["slice"]).split(","):
            if ":" in part:
                bounds = [int(b) if b.strip() else None for b in part.split(":")]
                parts.append(slice(*bounds))
            else:
                parts.append(int(part))
        return tuple(parts)
    return (...,)


@app.patch("/v1/models/{name}/parameters/{path:path}")
async def patch_parameter(name: str, path: str, request: Request) -> Response:
    model = lookup(name)
    current = parameter(model, path)
    body = await json_body(request)
    ops = body["ops"] if "ops" in body else [body]
    async with model.lock:
        updated = current.detach().clone()
        try:
            for op in ops:
                where = region(updated, op)
                value = torch.as_tensor(op.get("value"), dtype=torch.float32)
                if op["op"] in ("set", "fill"):
                    updated[where] = value
                elif op["op"] == "add":
                    updated[where] += value
                elif op["op"] == "mul":
                    updated[where] *= value
                else:
                    raise Problem(400, "Unknown Op", f"unknown op {op['op']!r}")
        except (IndexError, RuntimeError, ValueError, TypeError, KeyError) as error:
            raise Problem(422, "Cannot Apply", f"{path} {list(current.shape)}: {error}") from None
        await commit(model, path, updated)
    return parameter_response(model, path, request)


@app.post("/v1/models/{name}/forward")
async def forward(name: str, request: Request) -> Response:
    model = lookup(name)
    inputs = await tensor_body(request, "inputs")
    try:
        with torch.inference_mode():
            outputs = model.module(torch.from_numpy(inputs)).numpy()
    except RuntimeError as error:
        raise Problem(422, "Cannot Apply", str(error)) from None
    if OCTET in request.headers.get("accept", ""):
        return Response(outputs.astype("<f4").tobytes(), media_type=OCTET, headers={
            "Tensor-Shape": ",".join(map(str, outputs.shape)), "ETag": f'"{model.version}"'})
    return json_response({"outputs": outputs, "shape": list(outputs.shape)}, model)
