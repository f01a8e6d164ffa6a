"""Builds a torch.nn.Module from paramd's model spec JSON (the subset the benchmark needs).

Mirrors DESIGN.md's spec: `sequential` (entries may carry a "name"), `linear`/`dense` with an
explicit `in`, the activations, `flatten`, and `{"ref": ID}` for tied modules (the same module
object placed twice, which is how PyTorch ties). Deferred `in` and fused activations are not
part of the benchmark, so they are rejected rather than half-supported.
"""
from collections import OrderedDict

import torch
from torch import nn


class SpecError(ValueError):
    """The spec is malformed or uses something this peer does not build."""


_ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
    "flatten": nn.Flatten,
}


def build(spec: dict, seed: int) -> nn.Module:
    """Returns the module tree; parameters get PyTorch's default init after manual_seed(seed)."""
    torch.manual_seed(seed)
    return _module(spec, {})


def _module(node: dict, ids: dict) -> nn.Module:
    if not isinstance(node, dict):
        raise SpecError("each layer must be a JSON object")
    if "ref" in node:
        if node["ref"] not in ids:
            raise SpecError(f"ref {node['ref']!r} names no earlier layer")
        return ids[node["ref"]]
    kind = node.get("type")
    if kind == "sequential":
        children = OrderedDict()
        for index, entry in enumerate(node.get("layers", [])):
            name = entry.get("name", str(index)) if isinstance(entry, dict) else str(index)
            children[name] = _module(entry, ids)
        module = nn.Sequential(children)
    elif kind in ("linear", "dense"):
        if "in" not in node or "activation" in node:
            raise SpecError("this peer builds linear layers with an explicit 'in' and no fused activation")
        module = nn.Linear(int(node["in"]), int(node["out"]), bias=bool(node.get("bias", True)))
    elif kind == "softmax":
        module = nn.Softmax(dim=-1)
    elif kind in _ACTIVATIONS:
        module = _ACTIVATIONS[kind]()
    else:
        raise SpecError(f"unknown layer type {kind!r}")
    if "id" in node:
        ids[node["id"]] = module
    return module
