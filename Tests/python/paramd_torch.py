"""The PyTorch module a paramd spec describes, with the same child names, so that its
`state_dict()` keys are paramd's parameter paths and its forward pass is paramd's.

`build(spec)` follows paramd's spec: `linear`/`dense` (with `in`, `out`, `bias`, a fused
`activation`), `sequential` (children named by `name` or index, via `add_module`), `flatten`,
the activations, and ties (`"id"` defines a module, `{"ref": id}` places that very module again).
"""
from __future__ import annotations

from torch import nn


def activation(spec: str | dict) -> nn.Module:
    """The activation module for a spec name or object (`{"type": "leaky_relu", "negative_slope": 0.2}`)."""
    name = spec if isinstance(spec, str) else spec["type"]
    if name == "leaky_relu":
        slope = 0.01 if isinstance(spec, str) else spec.get("negative_slope", 0.01)
        return nn.LeakyReLU(slope)
    return {
        "relu": nn.ReLU,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "gelu": nn.GELU,
        "identity": nn.Identity,
        "softmax": lambda: nn.Softmax(dim=-1),
    }[name]()


class LinearWithActivation(nn.Linear):
    """A dense layer with a fused activation: `f(x·Wᵀ + b)`, still only `weight` and `bias`."""

    def __init__(self, in_features: int, out_features: int, bias: bool, function: nn.Module):
        super().__init__(in_features, out_features, bias=bias)
        # Kept out of the module tree, so the state dict has no extra entry for it.
        self.__dict__["function"] = function

    def forward(self, x):
        return self.function(super().forward(x))


def build(spec: dict, definitions: dict | None = None) -> nn.Module:
    """The module for `spec`; `definitions` maps tie ids to the modules defined so far."""
    definitions = {} if definitions is None else definitions
    if "ref" in spec:
        return definitions[spec["ref"]]
    kind = spec["type"]
    if kind in ("linear", "dense"):
        fused = spec.get("activation")
        if fused in (None, "linear", "identity", "none"):
            module = nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
        else:
            module = LinearWithActivation(spec["in"], spec["out"], spec.get("bias", True), activation(fused))
    elif kind == "sequential":
        module = nn.Sequential()
        for index, child in enumerate(spec["layers"]):
            module.add_module(child.get("name", str(index)), build(child, definitions))
    elif kind == "flatten":
        module = nn.Flatten()
    else:
        module = activation(spec)
    if "id" in spec:
        definitions[spec["id"]] = module
    return module
