"""Writes the PyTorch fixtures that Tests/NeuralNetTests/LayerParityTests.swift reads: networks
with batch norm, layer norm, embeddings, dropout and residual blocks; and initializers.json,
torch.nn.init.sparse_ and dirac_ results (InitializerSparseDiracTests.swift).

Run by hand when the networks change (CI needs no torch):

    python Tests/Fixtures/make_layer_fixtures.py

For each network it records the spec paramd builds it from, the seed, the initial parameters
and buffers (torch.manual_seed(seed), then modules constructed in spec order), PyTorch's
state-dict keys, an input and target, and, from a float64 copy of the same network (the
reference paramd's float32 results are compared against): the train-mode output, the loss and
every gradient; the parameters and buffers after 3 SGD and after 3 Adam steps in train mode
(each run from the initial values); and the eval-mode output after those steps. The float32
run's values are recorded beside them, so the test can tell paramd's rounding from PyTorch's.

Dropout: PyTorch's CPU `bernoulli_` draws its masks through MKL's own generator, which paramd
does not reproduce. `ParamdDropout` below draws masks the way paramd documents it does (one
`torch.rand` draw per element from the global generator, continuing the stream that
initialization drew from, kept when below 1 − p, scaled by the float32 1 / (1 − p)), so the
training runs compare everything else exactly; its distribution and scaling are nn.Dropout's.
"""
import json
import os

import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "layers")


class Residual(nn.Sequential):
    """paramd's `residual`: the children's output plus the block's input."""

    def forward(self, x):
        return super().forward(x) + x


class ParamdDropout(nn.Dropout):
    """nn.Dropout with paramd's masks; prints as nn.Dropout does."""

    def _get_name(self):
        return "Dropout"

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x * 0
        keep = torch.rand(x.shape) < torch.tensor(1 - self.p, dtype=torch.float32)
        scale = torch.tensor(1.0, dtype=torch.float32) / torch.tensor(1 - self.p, dtype=torch.float32)
        return x * (keep.to(torch.float32) * scale).to(x.dtype)


def bn_mlp():
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 10, "out": 32}, {"type": "batch_norm1d", "num_features": 32}, {"type": "relu"},
        {"type": "dropout", "p": 0.3},
        {"type": "linear", "in": 32, "out": 16}, {"type": "batch_norm1d", "num_features": 16, "momentum": None},
        {"type": "tanh"}, {"type": "dropout"},
        {"type": "linear", "in": 16, "out": 4}]}
    torch.manual_seed(3)
    net = nn.Sequential(
        nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), ParamdDropout(0.3),
        nn.Linear(32, 16), nn.BatchNorm1d(16, momentum=None), nn.Tanh(), ParamdDropout(0.5),
        nn.Linear(16, 4))
    return "bn_mlp", spec, 3, net, ("floats", [12, 10]), "cross_entropy"


def bn_sequence():
    spec = {"type": "sequential", "layers": [
        {"type": "batch_norm1d", "num_features": 3, "eps": 0.001, "momentum": 0.2},
        {"type": "flatten"},
        {"type": "linear", "in": 15, "out": 6}, {"type": "relu"},
        {"type": "batch_norm1d", "num_features": 6, "affine": False},
        {"type": "linear", "in": 6, "out": 2}]}
    torch.manual_seed(5)
    net = nn.Sequential(
        nn.BatchNorm1d(3, eps=0.001, momentum=0.2), nn.Flatten(), nn.Linear(15, 6), nn.ReLU(),
        nn.BatchNorm1d(6, affine=False), nn.Linear(6, 2))
    return "bn_sequence", spec, 5, net, ("floats", [8, 3, 5]), "mse"


def bn2d():
    spec = {"type": "sequential", "layers": [
        {"type": "batch_norm2d", "num_features": 3}, {"type": "relu"}, {"type": "dropout", "p": 0.2},
        {"type": "flatten"}, {"type": "linear", "in": 48, "out": 5}]}
    torch.manual_seed(9)
    net = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU(), ParamdDropout(0.2), nn.Flatten(), nn.Linear(48, 5))
    return "bn2d", spec, 9, net, ("floats", [6, 3, 4, 4]), "cross_entropy"


def cnn_bn():
    """A small CNN with batch norm and dropout: conv, batch_norm2d, relu, average pool, dropout,
    linear (average pooling: a max pool's ties in float32 would pick other inputs than float64).
    Three Adam steps through conv and batch norm put PyTorch's own float32 run near the 1e-4
    bound the parity test holds both to (seeds 11 and 12 fall just outside it for PyTorch, never
    for paramd); seed 13 keeps the reference itself within the bound."""
    spec = {"type": "sequential", "layers": [
        {"type": "conv2d", "in_channels": 2, "out_channels": 4, "kernel_size": 3, "padding": 1},
        {"type": "batch_norm2d", "num_features": 4}, {"type": "relu"}, {"type": "avg_pool2d", "kernel_size": 2},
        {"type": "dropout", "p": 0.25}, {"type": "flatten"}, {"type": "linear", "in": 36, "out": 3}]}
    torch.manual_seed(13)
    net = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AvgPool2d(2), ParamdDropout(0.25),
        nn.Flatten(), nn.Linear(36, 3))
    return "cnn_bn", spec, 13, net, ("floats", [8, 2, 6, 6]), "cross_entropy"


def residual_ln():
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 8, "out": 16},
        {"type": "residual", "layers": [
            {"type": "layer_norm", "normalized_shape": 16}, {"type": "linear", "in": 16, "out": 16}, {"type": "gelu"},
            {"type": "linear", "in": 16, "out": 16}]},
        {"type": "residual", "name": "block", "layers": [
            {"type": "layer_norm", "normalized_shape": [16], "eps": 1e-6}, {"type": "linear", "out": 16}, {"type": "relu"}]},
        {"type": "layer_norm", "normalized_shape": [16], "bias": False},
        {"type": "linear", "in": 16, "out": 4}]}
    torch.manual_seed(11)
    first = nn.Linear(8, 16)
    r1 = Residual(nn.LayerNorm(16), nn.Linear(16, 16), nn.GELU(), nn.Linear(16, 16))
    r2 = Residual(nn.LayerNorm([16], eps=1e-6), nn.Linear(16, 16), nn.ReLU())
    net = nn.Sequential(first, r1)
    net.add_module("block", r2)
    net.add_module("3", nn.LayerNorm([16], bias=False))
    net.add_module("4", nn.Linear(16, 4))
    return "residual_ln", spec, 11, net, ("floats", [6, 8]), "mse"


def embedding_net():
    spec = {"type": "sequential", "layers": [
        {"type": "embedding", "num_embeddings": 20, "embedding_dim": 6, "padding_idx": 0},
        {"type": "flatten"},
        {"type": "linear", "in": 30, "out": 8}, {"type": "relu"},
        {"type": "dropout", "p": 0.25},
        {"type": "linear", "in": 8, "out": 3}]}
    torch.manual_seed(13)
    net = nn.Sequential(
        nn.Embedding(20, 6, padding_idx=0), nn.Flatten(), nn.Linear(30, 8), nn.ReLU(), ParamdDropout(0.25),
        nn.Linear(8, 3))
    return "embedding", spec, 13, net, ("indices", [7, 5], 20), "cross_entropy"


def tensors(items):
    return {name: {"shape": list(t.shape), "values": t.detach().double().reshape(-1).tolist()} for name, t in items}


def flat(items):
    return {name: t.detach().double().reshape(-1).tolist() for name, t in items}


def loss_of(kind, out, target):
    return F.mse_loss(out, target) if kind == "mse" else F.cross_entropy(out, target)


def run(net, initial, creation_rng, x, target, kind, dtype):
    """Gradients from the initial values, then 3 SGD and 3 Adam steps, each from the initial values."""
    net = net.to(dtype)
    x = x if x.dtype == torch.long else x.to(dtype)
    target = target.to(dtype) if kind == "mse" else target

    def reset():
        net.load_state_dict({k: v.to(dtype) if v.is_floating_point() else v for k, v in initial.items()})
        torch.set_rng_state(creation_rng)
        net.train()

    reset()
    net.zero_grad()
    out = net(x)
    loss = loss_of(kind, out, target)
    loss.backward()
    result = {"output": {"shape": list(out.shape), "values": out.detach().double().reshape(-1).tolist()},
              "loss": loss.item(), "gradients": flat((n, p.grad) for n, p in net.named_parameters())}
    for name, make in (("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)),
                       ("adam", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.001))):
        reset()
        opt = make(net.parameters())
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = loss_of(kind, net(x), target)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        net.eval()
        evaluated = net(x)
        result[name] = {
            "losses": losses,
            "parameters": flat(net.named_parameters()),
            "buffers": flat(net.named_buffers()),
            "eval_output": evaluated.detach().double().reshape(-1).tolist(),
        }
    return result


def initializers():
    """torch.nn.init.sparse_ and dirac_ on fresh tensors after torch.manual_seed(seed)."""
    cases = []
    for shape, sparsity, std, seed in (([5, 3], 0.4, 0.5, 0), ([40, 7], 0.3, 0.01, 0), ([64, 33], 0.9, 1.0, 2)):
        torch.manual_seed(seed)
        w = torch.empty(*shape)
        nn.init.sparse_(w, sparsity, std=std)
        cases.append({"init": {"name": "sparse", "sparsity": sparsity, "std": std}, "shape": shape, "seed": seed,
                      "values": w.reshape(-1).tolist()})
    for shape, groups in (([4, 2, 3, 3], 2), ([6, 3, 5], 1), ([2, 4, 3, 3, 3], 1)):
        w = torch.empty(*shape)
        nn.init.dirac_(w, groups=groups)
        cases.append({"init": {"name": "dirac", "groups": groups}, "shape": shape, "seed": 0, "values": w.reshape(-1).tolist()})
    with open(os.path.join(OUT, "initializers.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f)
    print(f"wrote initializers.json: {len(cases)} cases")


def main():
    os.makedirs(OUT, exist_ok=True)
    initializers()
    for make in (bn_mlp, bn_sequence, bn2d, cnn_bn, residual_ln, embedding_net):
        name, spec, seed, net, input_kind, kind = make()
        creation_rng = torch.get_rng_state()
        initial = {k: v.clone() for k, v in net.state_dict().items()}
        data = torch.Generator().manual_seed(1000 + seed)
        if input_kind[0] == "indices":
            x = torch.randint(0, input_kind[2], input_kind[1], generator=data)
            x[0, 0] = 0  # the padding row is used at least once
            input_json = {"shape": input_kind[1], "values": x.reshape(-1).tolist(), "integers": True}
        else:
            x = torch.rand(*input_kind[1], generator=data) * 2 - 1
            input_json = {"shape": input_kind[1], "values": x.reshape(-1).tolist()}
        net.eval()
        out_width = net(x).shape[-1]
        if kind == "mse":
            target = torch.rand(input_kind[1][0], out_width, generator=data) * 2 - 1
            target_json = {"values": target.reshape(-1).tolist(), "shape": list(target.shape)}
        else:
            target = torch.randint(0, out_width, (input_kind[1][0],), generator=data)
            target_json = {"classes": target.tolist()}
        float32 = run(net, initial, creation_rng, x, target, kind, torch.float32)
        float64 = run(net, initial, creation_rng, x, target, kind, torch.float64)
        fixture = {
            "torch_version": torch.__version__,
            "spec": spec, "seed": seed, "loss_kind": kind,
            "input": input_json, "target": target_json,
            "state_dict_keys": list(initial.keys()),
            "tree": str(net),
            "initial_parameters": tensors((k, v) for k, v in initial.items() if k in dict(net.named_parameters())),
            "initial_buffers": tensors((k, v) for k, v in initial.items() if k in dict(net.named_buffers())),
            "float64": float64,
            "float32": float32,
        }
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(fixture, f)
        print(f"wrote {name}.json: {sum(p.numel() for p in net.parameters())} parameters, loss {float64['loss']:.6f}")


if __name__ == "__main__":
    main()
