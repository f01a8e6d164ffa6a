#!/usr/bin/env python3
"""Peer timings for kernel-bench: numpy (OpenBLAS) and PyTorch CPU on the bench's cases.

A line protocol, so kernel-bench can time ours and the peers case by case, interleaved, and
a shared machine's load falls on both alike. On start it prints one JSON line describing the
libraries (which OpenBLAS kernel runs, from threadpoolctl). Then, for every request line on
stdin, one reply line on stdout:
  {"kind": "gemm", "m": M, "n": N, "k": K, "layout": "nn"|"nt", "threads": T, "min_seconds": S}
      C = A·B ("nn", B stored k×n) or C = A·Wᵀ ("nt", W stored n×k, as a linear layer's weight)
  {"kind": "mlp", "layers": [784, 256, 256, 10], "batch": B, "threads": T, "min_seconds": S}
      forward of a relu MLP: per layer X·Wᵀ + b, relu on hidden layers (torch: nn.Sequential)
  {"kind": "conv", "batch": B, "in_channels": C, "out_channels": O, "size": S, "kernel": K, "padding": P, ...}
      conv2d forward (torch.nn.functional.conv2d with bias; numpy has none: null)
  {"kind": "lenet", "batch": B, "training": bool, ...}
      LeNet's forward (eval, inference mode), or one step: zero_grad, cross-entropy, backward, SGD step
  -> {"numpy": seconds or null, "torch": seconds or null}, each the best of several timed runs (threads 1:
     this thread's CPU time; more: wall time).
kernel-bench starts this script with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its
environment only: those settings (for old OpenBLAS builds on this machine) slow a current one.
"""
import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

try:
    import torch
except ImportError:  # the table then shows torch as missing instead of failing the benchmark
    torch = None


def best_time(fn, min_seconds, thread_cpu=False):
    """Best of several timed runs after a warm-up: the least-disturbed run on a shared machine.
    With thread_cpu (single-thread cases, where BLAS and torch run on this thread) and runs over
    1 ms, the clock is this thread's CPU time, so a run the scheduler preempts is not charged for
    its wait; shorter runs keep wall time, which the CPU clock's system call would distort.
    kernel-bench times our kernels the same way."""
    start = time.perf_counter()
    fn()
    clock = time.thread_time if thread_cpu and time.perf_counter() - start > 1e-3 else time.perf_counter
    best, total, runs = float("inf"), 0.0, 0
    while total < min_seconds or runs < 5:
        start = clock()
        fn()
        elapsed = clock() - start
        best = min(best, elapsed)
        total += elapsed
        runs += 1
    return best


def describe():
    blas = [f"{lib['internal_api']} {lib.get('version') or ''}, kernel {lib.get('architecture') or '?'}"
            f" ({lib.get('threading_layer') or 'n/a'} threads)"
            for lib in threadpool_info() if lib.get("user_api") == "blas"]
    text = f"numpy {np.__version__} with {', '.join(blas) or 'unknown BLAS'}"
    if torch is not None:
        text += (f"; torch {torch.__version__} (MKL {torch.backends.mkl.is_available()},"
                 f" oneDNN {torch.backends.mkldnn.is_available()})")
    else:
        text += "; torch not installed (pip install torch)"
    return text


rng = np.random.default_rng(0)


def operand(rows, cols):
    return rng.uniform(-1, 1, size=(rows, cols)).astype(np.float32)


def time_gemm(req, s):
    m, n, k = req["m"], req["n"], req["k"]
    a = operand(m, k)
    if req["layout"] == "nn":
        b = operand(k, n)
        rhs = b
    else:
        w = operand(n, k)
        rhs = w.T  # a transposed view: numpy hands BLAS the transpose flag, no copy
    cpu = req["threads"] == 1
    result = {"numpy": best_time(lambda: np.matmul(a, rhs), s, cpu), "torch": None}
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(np.ascontiguousarray(rhs) if req["layout"] == "nn" else w)
        rhs_t = tb if req["layout"] == "nn" else tb.t()
        with torch.inference_mode():
            result["torch"] = best_time(lambda: torch.matmul(ta, rhs_t), s, cpu)
    return result


def time_mlp(req, s):
    layers, batch = req["layers"], req["batch"]
    weights = [operand(layers[i + 1], layers[i]) for i in range(len(layers) - 1)]
    biases = [rng.uniform(-1, 1, size=layers[i + 1]).astype(np.float32) for i in range(len(layers) - 1)]
    x = operand(batch, layers[0])

    def numpy_forward():
        h = x
        for i, (w, b) in enumerate(zip(weights, biases)):
            h = h @ w.T
            h += b
            if i < len(weights) - 1:
                np.maximum(h, 0, out=h)
        return h

    cpu = req["threads"] == 1
    result = {"numpy": best_time(numpy_forward, s, cpu), "torch": None}
    if torch is not None:
        mods = []
        for i, (w, b) in enumerate(zip(weights, biases)):
            lin = torch.nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(w))
                lin.bias.copy_(torch.from_numpy(b))
            mods.append(lin)
            if i < len(weights) - 1:
                mods.append(torch.nn.ReLU())
        net = torch.nn.Sequential(*mods).eval()
        tx = torch.from_numpy(x)
        with torch.inference_mode():
            result["torch"] = best_time(lambda: net(tx), s, cpu)
    return result


def time_conv(req, s):
    if torch is None:
        return {"numpy": None, "torch": None}
    x = torch.rand(req["batch"], req["in_channels"], req["size"], req["size"]) * 2 - 1
    w = torch.rand(req["out_channels"], req["in_channels"], req["kernel"], req["kernel"]) * 2 - 1
    b = torch.rand(req["out_channels"]) * 2 - 1
    with torch.inference_mode():
        seconds = best_time(lambda: torch.nn.functional.conv2d(x, w, b, padding=req["padding"]), s, req["threads"] == 1)
    return {"numpy": None, "torch": seconds}


def lenet():
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def time_lenet(req, s):
    if torch is None:
        return {"numpy": None, "torch": None}
    batch, cpu = req["batch"], req["threads"] == 1
    net = lenet()
    x = torch.rand(batch, 1, 28, 28)
    if not req["training"]:
        net.eval()
        with torch.inference_mode():
            return {"numpy": None, "torch": best_time(lambda: net(x), s, cpu)}
    labels = torch.arange(batch) % 10
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(net(x), labels).backward()
        optimizer.step()
    return {"numpy": None, "torch": best_time(step, s, cpu)}


TIMERS = {"gemm": time_gemm, "mlp": time_mlp, "conv": time_conv, "lenet": time_lenet}


def main():
    print(json.dumps({"description": describe()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        threads, s = req["threads"], req.get("min_seconds", 0.2)
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads, user_api="blas"):
            result = TIMERS[req["kind"]](req, s)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
