#!/usr/bin/env python3
"""Peer timings for kernel-bench: numpy (OpenBLAS) and PyTorch CPU on the same cases.

Reads a JSON object from stdin: {"gemm": [[m, n, k, "nn"|"nt"], ...], "mlp": [batch, ...],
"layers": [784, 256, 256, 10], "threads": [1, 2], "min_seconds": 0.2}. Writes JSON to stdout:
per case and thread count, the best time in seconds for numpy and torch, plus which BLAS
kernel each ran. Run by `swift run -c release kernel-bench`, which unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for this process only (those settings slow a current OpenBLAS down).
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


def best_time(fn, min_seconds):
    """Best of several timed batches: the least-disturbed run on a shared machine."""
    fn()  # warm-up: page in buffers, spin up thread pools
    best = float("inf")
    total = 0.0
    runs = 0
    while total < min_seconds or runs < 5:
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        total += elapsed
        runs += 1
    return best


def operand(rng, rows, cols):
    return rng.uniform(-1, 1, size=(rows, cols)).astype(np.float32)


def main():
    spec = json.load(sys.stdin)
    min_seconds = spec.get("min_seconds", 0.2)
    rng = np.random.default_rng(0)
    out = {"numpy": {}, "torch": {}}
    blas = [f"{lib['internal_api']} {lib.get('version') or ''} kernel {lib.get('architecture') or '?'}"
            f" ({lib.get('threading_layer') or 'n/a'})"
            for lib in threadpool_info() if lib.get("user_api") == "blas"]
    description = f"numpy {np.__version__} with {', '.join(blas) or 'unknown BLAS'}"
    if torch is not None:
        description += (f"; torch {torch.__version__} (MKL {torch.backends.mkl.is_available()},"
                        f" oneDNN {torch.backends.mkldnn.is_available()})")
    else:
        description += "; torch not installed (pip install torch)"
    out["description"] = description

    layers = spec["layers"]
    for threads in spec["threads"]:
        key = str(threads)
        out["numpy"][key] = {"gemm": [], "mlp": []}
        out["torch"][key] = {"gemm": [], "mlp": []}
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(limits=threads, user_api="blas"):
            for m, n, k, layout in spec["gemm"]:
                a = operand(rng, m, k)
                b = operand(rng, k, n) if layout == "nn" else operand(rng, n, k)
                if layout == "nn":
                    t_np = best_time(lambda: np.matmul(a, b), min_seconds)
                else:
                    bt = b.T
                    t_np = best_time(lambda: np.matmul(a, bt), min_seconds)
                out["numpy"][key]["gemm"].append(t_np)
                if torch is not None:
                    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                    with torch.no_grad():
                        if layout == "nn":
                            t_t = best_time(lambda: torch.matmul(ta, tb), min_seconds)
                        else:
                            tbt = tb.t()
                            t_t = best_time(lambda: torch.matmul(ta, tbt), min_seconds)
                    out["torch"][key]["gemm"].append(t_t)

            weights = [operand(rng, layers[i + 1], layers[i]) for i in range(len(layers) - 1)]
            biases = [rng.uniform(-1, 1, size=layers[i + 1]).astype(np.float32) for i in range(len(layers) - 1)]
            weights_t = [w.T for w in weights]

            def numpy_forward(x):
                h = x
                for i, (wt, b) in enumerate(zip(weights_t, biases)):
                    h = h @ wt
                    h += b
                    if i < len(weights_t) - 1:
                        np.maximum(h, 0, out=h)
                return h

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

            for batch in spec["mlp"]:
                x = operand(rng, batch, layers[0])
                out["numpy"][key]["mlp"].append(best_time(lambda: numpy_forward(x), min_seconds))
                if torch is not None:
                    tx = torch.from_numpy(x)
                    with torch.inference_mode():
                        out["torch"][key]["mlp"].append(best_time(lambda: net(tx), min_seconds))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
