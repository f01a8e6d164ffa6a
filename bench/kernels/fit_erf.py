#!/usr/bin/env python3
"""Fits the erf polynomials of Sources/CKernels/vector_math.h and reports their float error.

Run by hand (numpy, mpmath): python3 bench/kernels/fit_erf.py. Least squares on Chebyshev
nodes with relative weights, reweighted toward the worst points (a cheap minimax), then the
float32 coefficients are evaluated in float32 Horner form (no FMA: the portable build's worst
case) against mpmath's erf and the error printed in ulps.
  |x| < 1:      erf(x) = x·P(x²),          P of degree 6
  1 ≤ |x| < 2:  erf(x) = 1 − e^{−x²}·R(1/x), R of degree 7
  2 ≤ |x| < 4:  erf(x) = 1 − e^{−x²}·R(1/x), R of degree 6   (≥ 3.92: erf rounds to 1)
"""
import numpy as np
from mpmath import erf, erfc, exp, mp, mpf

mp.dps = 30


def fit(fun, lo, hi, degree, variable, nodes=3000):
    t = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes) * (hi - lo) / 2 + (hi + lo) / 2
    f = np.array([float(fun(mpf(float(v)))) for v in t])
    basis = np.vander(variable(t), degree + 1)
    weights = 1 / np.abs(f)
    for _ in range(20):
        c, *_ = np.linalg.lstsq(basis * weights[:, None], f * weights, rcond=None)
        error = np.abs(basis @ c - f) / np.abs(f)
        weights = weights * (1 + error / error.max())
    return c.astype(np.float32)


def horner32(c, z):
    acc = np.float32(c[0])
    for ci in c[1:]:
        acc = np.float32(np.float32(acc * np.float32(z)) + ci)
    return acc


def ulps(got, xs):
    truth = np.array([float(erf(mpf(float(v)))) for v in xs])
    return (np.abs(got.astype(np.float64) - truth) / np.spacing(np.abs(truth).astype(np.float32))).max()


def main():
    small = fit(lambda x: erf(x) / x, 1e-6, 1.0, 6, lambda t: t * t)
    xs = np.linspace(1e-4, 1, 4001).astype(np.float32)
    got = np.array([np.float32(x * horner32(small, np.float32(x * x))) for x in xs])
    print("P (|x| < 1):", [float(v) for v in small], f"max {ulps(got, xs):.2f} ulp")
    for lo, hi, degree in ((1.0, 2.0, 7), (2.0, 4.0, 6)):
        r = fit(lambda x: erfc(x) * exp(x * x), lo, hi, degree, lambda t: 1 / t)
        xs = np.linspace(lo, min(hi, 3.92), 4001).astype(np.float32)
        got = np.array([np.float32(1) - np.float32(np.float32(np.exp(-np.float64(np.float32(x * x))))
                                                  * horner32(r, np.float32(1) / x)) for x in xs])
        print(f"R ([{lo}, {hi})):", [float(v) for v in r], f"max {ulps(got, xs):.2f} ulp")


if __name__ == "__main__":
    main()
