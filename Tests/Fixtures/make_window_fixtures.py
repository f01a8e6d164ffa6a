"""Writes the convolution and pooling reference values that Tests/KernelsTests/Conv2DTests.swift
and Pool2DTests.swift read.

Run by hand when the cases change (CI needs no torch):

    python Tests/Fixtures/make_window_fixtures.py

Inputs are drawn in float32 (seeded) and stored exactly; every reference value is PyTorch's
result in float64 on those inputs (outputs, and gradients for a seeded output gradient), so the
Swift tests measure float32 rounding against the exact answer, as the parity tests do. Max
pooling's argmax indices are PyTorch's (`return_indices=True`): comparisons are exact in float64.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "window")

# name, (N, C, H, W), out_channels, kernel, stride, padding, dilation, groups, bias
CONV_CASES = [
    ("basic", (2, 3, 7, 6), 4, 3, 1, 0, 1, 1, True),
    ("stride_padding", (2, 3, 9, 8), 5, (3, 2), (2, 3), (1, 2), 1, 1, True),
    ("dilation", (1, 2, 10, 11), 3, 3, 1, 2, (2, 3), 1, True),
    ("groups", (2, 6, 8, 8), 9, 3, 1, 1, 1, 3, True),
    ("depthwise", (1, 4, 5, 5), 4, 3, 2, 1, 1, 4, False),
    ("pointwise", (2, 5, 4, 3), 7, 1, 1, 0, 1, 1, False),
    ("pointwise_groups", (1, 4, 3, 3), 6, 1, 1, 0, 1, 2, True),
    ("kernel_beyond_input", (1, 2, 3, 3), 2, 5, 1, 1, 1, 1, True),
    ("lenet_conv1", (3, 1, 28, 28), 6, 5, 1, 2, 1, 1, True),
    ("lenet_conv2", (2, 6, 14, 14), 16, 5, 1, 0, 1, 1, True),
    ("strided_wide", (1, 3, 12, 40), 4, (2, 5), (1, 3), (0, 2), (1, 2), 1, True),
]

# name, (N, C, H, W), kernel, stride (None: kernel), padding, dilation, ceil_mode
MAX_CASES = [
    ("k2", (2, 3, 8, 8), 2, None, 0, 1, False),
    ("k3_s2_p1_ceil", (1, 2, 9, 7), 3, 2, 1, 1, True),
    ("dilated", (1, 2, 10, 9), (3, 2), (2, 1), (1, 1), (2, 1), False),
    ("ceil_drops_last", (1, 1, 5, 6), 2, 2, 1, 1, True),
    ("overlapping", (2, 2, 6, 7), 3, 1, 1, 1, False),
    ("lenet", (3, 6, 28, 28), 2, None, 0, 1, False),
    ("odd_ceil", (1, 3, 7, 7), 2, None, 0, 1, True),
    ("wide_stride3", (1, 2, 5, 40), (2, 4), (1, 3), (1, 2), 1, False),
]

# name, (N, C, H, W), kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
AVG_CASES = [
    ("k2", (2, 3, 8, 8), 2, None, 0, False, True, None),
    ("k3_s2_p1_ceil", (1, 2, 9, 7), 3, 2, 1, True, True, None),
    ("k3_s2_p1_ceil_exclude_pad", (1, 2, 9, 7), 3, 2, 1, True, False, None),
    ("divisor_override", (1, 2, 6, 6), 3, 2, 1, False, True, 4),
    ("rectangular", (1, 1, 6, 5), (3, 2), (1, 2), (1, 1), False, False, None),
    ("overlapping", (2, 2, 6, 7), 3, 1, 1, False, True, None),
    ("wide_stride3", (1, 2, 5, 40), (2, 4), (1, 3), (1, 2), True, False, None),
]


def pair(v):
    return list(v) if isinstance(v, tuple) else [v, v]


def flat(t):
    return t.detach().reshape(-1).tolist()


def draw(shape, generator):
    return torch.rand(*shape, generator=generator, dtype=torch.float32) * 2 - 1


def conv_case(name, shape, out_channels, kernel, stride, padding, dilation, groups, bias, generator):
    k = pair(kernel)
    x = draw(shape, generator)
    w = draw((out_channels, shape[1] // groups, *k), generator)
    b = draw((out_channels,), generator) if bias else None
    xd, wd = x.double().requires_grad_(), w.double().requires_grad_()
    bd = b.double().requires_grad_() if bias else None
    y = F.conv2d(xd, wd, bd, stride=stride, padding=padding, dilation=dilation, groups=groups)
    dy = draw(tuple(y.shape), generator)
    y.backward(dy.double())
    return {
        "name": name, "input_shape": list(shape), "out_channels": out_channels, "kernel_size": k,
        "stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation), "groups": groups,
        "input": flat(x), "weight": flat(w), "bias": flat(b) if bias else None,
        "output_shape": list(y.shape), "output": flat(y), "output_gradient": flat(dy),
        "input_gradient": flat(xd.grad), "weight_gradient": flat(wd.grad),
        "bias_gradient": flat(bd.grad) if bias else None,
    }


def max_case(name, shape, kernel, stride, padding, dilation, ceil_mode, generator):
    x = draw(shape, generator)
    xd = x.double().requires_grad_()
    y, indices = F.max_pool2d(xd, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    dy = draw(tuple(y.shape), generator)
    y.backward(dy.double())
    return {
        "name": name, "input_shape": list(shape), "kernel_size": pair(kernel),
        "stride": pair(stride if stride is not None else kernel), "padding": pair(padding),
        "dilation": pair(dilation), "ceil_mode": ceil_mode, "input": flat(x),
        "output_shape": list(y.shape), "output": flat(y), "indices": flat(indices),
        "output_gradient": flat(dy), "input_gradient": flat(xd.grad),
    }


def avg_case(name, shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, generator):
    x = draw(shape, generator)
    xd = x.double().requires_grad_()
    y = F.avg_pool2d(xd, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    dy = draw(tuple(y.shape), generator)
    y.backward(dy.double())
    return {
        "name": name, "input_shape": list(shape), "kernel_size": pair(kernel),
        "stride": pair(stride if stride is not None else kernel), "padding": pair(padding),
        "ceil_mode": ceil_mode, "count_include_pad": count_include_pad, "divisor_override": divisor_override,
        "input": flat(x), "output_shape": list(y.shape), "output": flat(y),
        "output_gradient": flat(dy), "input_gradient": flat(xd.grad),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    generator = torch.Generator().manual_seed(13)
    files = {
        "conv2d": [conv_case(*case, generator) for case in CONV_CASES],
        "max_pool2d": [max_case(*case, generator) for case in MAX_CASES],
        "avg_pool2d": [avg_case(*case, generator) for case in AVG_CASES],
    }
    for name, cases in files.items():
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump({"torch_version": torch.__version__, "cases": cases}, f)
        print(f"wrote {name}.json: {len(cases)} cases")


if __name__ == "__main__":
    main()
