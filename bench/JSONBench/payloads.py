"""Writes forward request bodies {"inputs": rows} the way real clients write them, one file per
payload family and batch, plus a manifest with each body's count of numbers and a checksum of
its correctly rounded Float32 values (strtof on every number, independent of paramd's reader).

Families (same values in each float family: half uniform in [0, 1), half standard normal, 10 %
zeros, 1 % scaled by 1e-7, so some numbers take an exponent):
  short-compact   json.dumps(rows rounded to 6 decimals, separators=(",", ":")): the old benchmark
  python-default  json.dumps(arr.astype(np.float32).tolist()): requests/httpx `json=`, default ", "
  python-compact  the same with separators=(",", ":")
  javascript      JSON.stringify of float64 values: shortest round-trip, `1e-7` style exponents
  pretty          json.dumps(float32 rows, indent=2): one number a line, indented
  integers        json.dumps of integer pixel values 0-255 (round(|x| * 255)), default separators
  orjson          orjson.dumps of the float32 array (shortest float32 repr, e.g. 0.13210486)
  python-exponents json.dumps of the float32 rows times 1e-5 (gradients, small weights): Python's
                  repr writes every nonzero value below 1e-4 in exponent form, 9.999999747378752e-06

Usage: payloads.py DIRECTORY [BATCH ...]   (default batches: 1 64); 784 columns; seed 0.
Prints the manifest path. JSONBench runs it; bench/service/workload.py imports encode().
"""
import ctypes
import json
import os
import re
import sys
from decimal import Decimal

import numpy as np

COLUMNS = 784
FAMILIES = ["short-compact", "python-default", "python-compact", "javascript", "pretty", "integers", "orjson",
            "python-exponents"]
NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
LIBC = ctypes.CDLL(None)
LIBC.strtof.restype = ctypes.c_float
LIBC.strtof.argtypes = [ctypes.c_char_p, ctypes.c_void_p]


def values(rows: int, seed: int = 0) -> np.ndarray:
    """The float64 values every float family writes (float32 families round them first)."""
    rng = np.random.default_rng(seed)
    shape = (rows, COLUMNS)
    x = np.where(rng.random(shape) < 0.5, rng.random(shape), rng.standard_normal(shape))
    x[rng.random(shape) < 0.1] = 0
    x[rng.random(shape) < 0.01] *= 1e-7
    return x


def javascript_number(x: float) -> str:
    """Number.prototype.toString (ECMA-262 Number::toString) of a double: the shortest
    round-trip digits (Python's repr has the same digits), laid out by JavaScript's rules."""
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    digits_tuple = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    k = len(digits)
    n = digits_tuple.exponent + k  # value = 0.digits × 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + text


def encode(family: str, x: np.ndarray) -> bytes:
    """{"inputs": x} as `family`'s client writes it; x holds float64 values (the float32
    families round them to float32 first, as numpy clients do; integers writes
    round(|x| * 255) clipped to 0-255, as pixel values)."""
    if family == "short-compact":
        return json.dumps({"inputs": np.round(x, 6).tolist()}, separators=(",", ":")).encode()
    if family == "python-default":
        return json.dumps({"inputs": x.astype(np.float32).tolist()}).encode()
    if family == "python-compact":
        return json.dumps({"inputs": x.astype(np.float32).tolist()}, separators=(",", ":")).encode()
    if family == "javascript":
        lines = ("[" + ",".join(javascript_number(float(v)) for v in row) + "]" for row in x)
        return ('{"inputs":[' + ",".join(lines) + "]}").encode()
    if family == "pretty":
        return json.dumps({"inputs": x.astype(np.float32).tolist()}, indent=2).encode()
    if family == "integers":
        pixels = np.clip(np.rint(np.abs(x) * 255), 0, 255).astype(np.int64)
        return json.dumps({"inputs": pixels.tolist()}).encode()
    if family == "orjson":
        import orjson

        return orjson.dumps({"inputs": x.astype(np.float32)}, option=orjson.OPT_SERIALIZE_NUMPY)
    if family == "python-exponents":
        return json.dumps({"inputs": (x * 1e-5).astype(np.float32).tolist()}).encode()
    raise ValueError(family)


def checksum(data: bytes) -> tuple[int, int]:
    """How many numbers `data` holds and the sum of their Float32 bit patterns, each number
    rounded by the C library's strtof (correctly rounded in glibc)."""
    numbers = NUMBER.findall(data.split(b":", 1)[1])
    total = 0
    for text in numbers:
        total += int.from_bytes(np.float32(LIBC.strtof(text, None)).tobytes(), "little")
    return len(numbers), total


def main():
    directory = sys.argv[1]
    batches = [int(b) for b in sys.argv[2:]] or [1, 64]
    os.makedirs(directory, exist_ok=True)
    manifest = []
    for family in FAMILIES:
        for batch in batches:
            data = encode(family, values(batch))
            path = os.path.join(directory, f"{family}-b{batch}.json")
            with open(path, "wb") as file:
                file.write(data)
            count, total = checksum(data)
            assert count == batch * COLUMNS, (family, batch, count)
            manifest.append({"family": family, "batch": batch, "path": path, "bytes": len(data),
                             "numbers": count, "checksum": total})
    manifest_path = os.path.join(directory, "manifest.json")
    with open(manifest_path, "w") as file:
        json.dump(manifest, file, indent=1)
    print(manifest_path)


if __name__ == "__main__":
    main()
