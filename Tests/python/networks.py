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

# LeCun's LeNet for 28×28 images (nn.Sequential's order: conv, relu, pool twice, then the MLP).
LENET = {"type": "sequential", "layers": [
    {"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "relu"},
    {"type": "max_pool2d", "kernel_size": 2},
    {"type": "conv2d", "in_channels": 6, "out_channels": 16, "kernel_size": 5}, {"type": "relu"},
    {"type": "max_pool2d", "kernel_size": 2},
    {"type": "flatten"},
    {"type": "linear", "in": 400, "out": 120}, {"type": "relu"},
    {"type": "linear", "in": 120, "out": 84}, {"type": "relu"},
    {"type": "linear", "in": 84, "out": 10}]}

# (name, spec, input width) of each.
CHAPTER = [("mlp", MLP, 4), ("rgnet", RGNET, 4), ("tied", TIED, 20)]
