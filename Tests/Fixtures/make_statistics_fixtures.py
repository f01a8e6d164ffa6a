"""Writes the numpy reference for paramd's statistics kernels (Tests/KernelsTests/StatisticsTests.swift).

Run by hand when the cases change (CI needs only the JSON it writes):

    python Tests/Fixtures/make_statistics_fixtures.py

Every input is float32 and recorded exactly (a float32 widened to float64 prints exactly).
Histograms are numpy.histogram(values, bins): its float32 edges, its counts (bin b holds
edges[b] <= x < edges[b+1]; the last bin is closed), the range [c-0.5, c+0.5] for a constant
tensor and [0, 1] for an empty one; a range with too few distinct float32 edges is numpy's
ValueError, recorded as "error". mean, std (ddof 0) and the L2 norm are computed in float64.
Pooled means: cell (i, j) of an R x C grid covers rows floor(i*rows/R)..floor((i+1)*rows/R)
and likewise columns.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "statistics", "statistics.json")


def f32(values):
    return np.asarray(values, dtype=np.float32)


def histogram_case(name, values, bins):
    a = f32(values)
    case = {"name": name, "values": [float(x) for x in a], "bins": bins}
    try:
        counts, edges = np.histogram(a, bins=bins)
    except ValueError as error:
        case["error"] = str(error)
        return case
    assert edges.dtype == np.float32
    wide = a.astype(np.float64)
    case.update({
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "count": int(a.size),
        "mean": float(wide.mean()) if a.size else None,
        "std": float(wide.std()) if a.size else None,
        "min": float(a.min()) if a.size else None,
        "max": float(a.max()) if a.size else None,
        "norm": float(np.sqrt((wide * wide).sum())),
        "zero_fraction": float((a == 0).mean()) if a.size else None,
    })
    return case


def pooled_case(name, rows, cols, max_rows, max_cols, rng):
    a = f32(rng.standard_normal((rows, cols)))
    cell_rows, cell_cols = min(rows, max_rows), min(cols, max_cols)
    cells = np.zeros((cell_rows, cell_cols))
    for i in range(cell_rows):
        r0, r1 = i * rows // cell_rows, (i + 1) * rows // cell_rows
        for j in range(cell_cols):
            c0, c1 = j * cols // cell_cols, (j + 1) * cols // cell_cols
            cells[i, j] = a[r0:r1, c0:c1].astype(np.float64).mean()
    cells = cells.astype(np.float32)
    return {
        "name": name, "rows": rows, "cols": cols, "max_rows": max_rows, "max_cols": max_cols,
        "values": [float(x) for x in a.ravel()],
        "cells": [float(x) for x in cells.ravel()],
        "cell_rows": cell_rows, "cell_cols": cell_cols,
    }


def main():
    rng = np.random.default_rng(20261203)
    mixture = np.where(rng.random(500) < 0.5, 0.0,
                       np.where(rng.random(500) < 0.5, rng.uniform(5, 10, 500), rng.uniform(-10, -5, 500)))
    one = np.float32(1.0)
    histograms = [
        histogram_case("normal(0, 0.01), 64 bins", rng.normal(0, 0.01, 1000), 64),
        histogram_case("the chapter's mixture, 10 bins", mixture, 10),
        histogram_case("constant 42, 64 bins", [42.0] * 8, 64),
        histogram_case("constant 42, 1 bin", [42.0] * 8, 1),
        histogram_case("constant 0 with -0, 3 bins", [0.0, -0.0, 0.0, 0.0, 0.0], 3),
        histogram_case("integers on the edges, 10 bins", list(range(10)), 10),
        histogram_case("tenths on the edges, 10 bins", [i / 10 for i in range(11)], 10),
        histogram_case("one value, 5 bins", [-3.25], 5),
        histogram_case("empty, 4 bins", [], 4),
        histogram_case("odd count, 7 bins", rng.uniform(-1, 1, 1003), 7),
        histogram_case("large magnitudes, 1024 bins", rng.uniform(-1e30, 1e30, 1500), 1024),
        histogram_case("two adjacent floats, 64 bins", [one, np.nextafter(one, np.float32(2))], 64),
    ]
    pooled = [
        pooled_case("fits: 8x4 into 64x64", 8, 4, 64, 64, rng),
        pooled_case("10x7 into 3x2", 10, 7, 3, 2, rng),
        pooled_case("1x100 into 4x9", 1, 100, 4, 9, rng),
        pooled_case("37x53 into 8x8", 37, 53, 8, 8, rng),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as out:
        json.dump({"histograms": histograms, "pooled": pooled}, out, indent=None)
        out.write("\n")


if __name__ == "__main__":
    main()
