"""The chapter's networks as paramd specs, shared by the interoperability suites."""

MLP = {"type": "sequential", "layers": [
    {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}


def _block() -> list[dict]:
    return [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]


# The chapter's rgnet: four named blocks inside a sequential, then a linear layer.
RGNET = {"type": "sequential", "layers": [
    {"type": "sequential", "layers": [{"name": f"block {i}", "type": "sequential", "layers": _block()} for i in range(4)]},
    {"type": "linear", "in": 4, "out": 1}]}

# DESIGN.md's tied network: the module with "id": "shared" is placed twice.
TIED = {"type": "sequential", "layers": [
    {"type": "linear", "in": 20, "out": 8}, {"type": "relu"},
    {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
    {"ref": "shared"}, {"type": "relu"},
    {"type": "linear", "out": 1}]}

# (name, spec, input width) of each.
CHAPTER = [("mlp", MLP, 4), ("rgnet", RGNET, 4), ("tied", TIED, 20)]
