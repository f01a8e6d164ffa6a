"""Writes the PyTorch parity fixtures that Tests/NeuralNetTests/ParityTests.swift reads.

Run by hand when the networks change (CI needs no torch):

    pip install torch numpy
    python Tests/Fixtures/make_parity_fixtures.py

For each network it records the spec paramd builds it from, the seed, the initial weights
(torch.manual_seed(seed), then modules constructed in spec order: weight before bias, a tied
module once), an input and target, the output, the loss, every gradient, and the weights
after 3 SGD and after 3 Adam steps (each run from the initial weights).
"""
import json
import os

import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "parity")


class FusedLinear(nn.Linear):
    """nn.Linear with an activation applied in forward, like paramd's `"activation"`.

    The activation is a plain function, not a child module, so state-dict keys stay those
    of nn.Linear."""

    def __init__(self, i, o, activation):
        super().__init__(i, o)
        self.activation = activation

    def forward(self, x):
        return self.activation(super().forward(x))


def mlp():
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    return "mlp", spec, 0, net, [2, 4], "mse"


def rgnet():
    def block1():
        return {"type": "sequential", "layers": [
            {"type": "linear", "in": 4, "out": 8}, {"type": "relu"},
            {"type": "linear", "in": 8, "out": 4}, {"type": "relu"}]}
    spec = {"type": "sequential", "layers": [
        {"type": "sequential", "layers": [dict(block1(), name=f"block {i}") for i in range(4)]},
        {"type": "linear", "in": 4, "out": 1}]}
    torch.manual_seed(1)

    def tblock1():
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())
    block2 = nn.Sequential()
    for i in range(4):
        block2.add_module(f"block {i}", tblock1())
    net = nn.Sequential(block2, nn.Linear(4, 1))
    return "rgnet", spec, 1, net, [2, 4], "mse"


def tied():
    spec = {"type": "sequential", "layers": [
        {"type": "linear", "in": 4, "out": 8}, {"type": "relu"},
        {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
        {"ref": "shared"}, {"type": "relu"},
        {"type": "linear", "out": 1}]}
    torch.manual_seed(7)
    # Spec order: the first layer is constructed before the shared one.
    first = nn.Linear(4, 8)
    shared = nn.Linear(8, 8)
    last = nn.Linear(8, 1)
    net = nn.Sequential(first, nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), last)
    return "tied", spec, 7, net, [3, 4], "mse"


def deep():
    spec = {"type": "sequential", "layers": [
        {"type": "flatten"},
        {"type": "linear", "in": 64, "out": 128, "activation": "gelu"},
        {"type": "linear", "in": 128, "out": 96}, {"type": "tanh"},
        {"type": "sequential", "name": "head", "layers": [
            {"type": "linear", "in": 96, "out": 64}, {"type": "leaky_relu", "negative_slope": 0.2},
            {"type": "linear", "in": 64, "out": 48, "activation": "sigmoid"},
            {"type": "linear", "in": 48, "out": 10}]}]}
    torch.manual_seed(42)
    flatten = nn.Flatten()
    l1 = FusedLinear(64, 128, F.gelu)
    l2 = nn.Linear(128, 96)
    head = nn.Sequential()
    head.add_module("0", nn.Linear(96, 64))
    head.add_module("1", nn.LeakyReLU(0.2))
    head.add_module("2", FusedLinear(64, 48, torch.sigmoid))
    head.add_module("3", nn.Linear(48, 10))
    net = nn.Sequential(flatten, l1, l2, nn.Tanh())
    net.add_module("head", head)
    return "deep", spec, 42, net, [16, 4, 16], "cross_entropy"


def lenet():
    spec = {"type": "sequential", "layers": [
        {"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": 2},
        {"type": "conv2d", "in_channels": 6, "out_channels": 16, "kernel_size": 5}, {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": 2},
        {"type": "flatten"},
        {"type": "linear", "in": 400, "out": 120}, {"type": "relu"},
        {"type": "linear", "in": 120, "out": 84}, {"type": "relu"},
        {"type": "linear", "in": 84, "out": 10}]}
    torch.manual_seed(5)
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return "lenet", spec, 5, net, [4, 1, 28, 28], "cross_entropy"


def params(net):
    return {name: {"shape": list(p.shape), "values": p.detach().reshape(-1).tolist()}
            for name, p in net.named_parameters()}


def grads(net):
    return {name: p.grad.reshape(-1).tolist() for name, p in net.named_parameters()}


def loss_of(kind, out, target):
    return F.mse_loss(out, target) if kind == "mse" else F.cross_entropy(out, target)


def train(net, initial, make_optimizer, x, target, kind, steps=3):
    net.load_state_dict(initial)
    opt = make_optimizer(net.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_of(kind, net(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {"losses": losses, "parameters": {n: p.detach().reshape(-1).tolist() for n, p in net.named_parameters()}}


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (mlp, rgnet, tied, deep, lenet):
        name, spec, seed, net, input_shape, kind = make()
        initial_params = params(net)
        initial = {k: v.clone() for k, v in net.state_dict().items()}
        torch.manual_seed(1000 + seed)
        x = torch.rand(*input_shape) * 2 - 1
        out_width = net(x).shape[-1]
        if kind == "mse":
            target = torch.rand(input_shape[0], out_width) * 2 - 1
            target_json = {"values": target.reshape(-1).tolist(), "shape": list(target.shape)}
        else:
            target = torch.randint(0, out_width, (input_shape[0],))
            target_json = {"classes": target.tolist()}
        net.zero_grad()
        out = net(x)
        loss = loss_of(kind, out, target)
        loss.backward()
        gradients = grads(net)
        sgd = train(net, initial, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01), x, target, kind)
        adam = train(net, initial, lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.001), x, target, kind)
        fixture = {
            "torch_version": torch.__version__,
            "spec": spec, "seed": seed, "loss_kind": kind,
            "input": {"shape": input_shape, "values": x.reshape(-1).tolist()},
            "target": target_json,
            "initial": initial_params,
            "output": {"shape": list(out.shape), "values": out.detach().reshape(-1).tolist()},
            "loss": loss.item(),
            "gradients": gradients,
            "sgd": dict(sgd, optimizer={"name": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
            "adam": dict(adam, optimizer={"name": "adam", "lr": 0.01, "weight_decay": 0.001}),
        }
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(fixture, f)
        print(f"wrote {name}.json: {sum(p.numel() for p in net.parameters())} parameters, loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
