"""Writes Tests/Fixtures/parity/conv_init.json, which Tests/NeuralNetTests/ConvolutionInitTests.swift
reads: torch.nn.init's named initializers on a convolution weight, whose fans include the
receptive field (fan_in = in_channels / groups · kh · kw).

Run by hand when the cases change (CI needs no torch):

    python Tests/Fixtures/make_conv_init_fixtures.py

Each case: `torch.manual_seed(seed)`, then the initializer on a fresh [6, 4, 3, 2] tensor (the
weight of Conv2d(8, 6, kernel_size=(3, 2), groups=2)); `init` is the same initializer in paramd's
JSON form.
"""
import json
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = (6, 4, 3, 2)

CASES = [
    ({"name": "xavier_uniform"}, 1, lambda w: nn.init.xavier_uniform_(w)),
    ({"name": "xavier_normal", "gain": 2}, 2, lambda w: nn.init.xavier_normal_(w, gain=2)),
    ({"name": "kaiming_uniform"}, 3, lambda w: nn.init.kaiming_uniform_(w)),
    ({"name": "kaiming_normal", "mode": "fan_out", "nonlinearity": "relu"}, 4,
     lambda w: nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")),
    ({"name": "kaiming_uniform", "a": 2.23606797749979, "nonlinearity": "leaky_relu"}, 5,
     lambda w: nn.init.kaiming_uniform_(w, a=5 ** 0.5)),
    ({"name": "dirac", "groups": 2}, 0, lambda w: nn.init.dirac_(w, groups=2)),
    ({"name": "dirac"}, 0, lambda w: nn.init.dirac_(w)),
]


def main():
    cases = []
    for init, seed, fill in CASES:
        torch.manual_seed(seed)
        w = torch.empty(*SHAPE)
        with torch.no_grad():
            fill(w)
        cases.append({"init": init, "seed": seed, "values": w.reshape(-1).tolist()})
    path = os.path.join(HERE, "parity", "conv_init.json")
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "shape": list(SHAPE), "cases": cases}, f)
    print(f"wrote {path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
