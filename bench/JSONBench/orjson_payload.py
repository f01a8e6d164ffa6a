"""Writes a forward request body as a client sends it -- {"inputs": float32 rows} through orjson
-- for `JSONBench file PATH`, and prints the sum of the Float32 bit patterns to compare with the
checksum JSONBench prints after parsing the same file.

Usage: orjson_payload.py PATH [ROWS] [COLUMNS] [SEED]
"""
import sys

import numpy as np
import orjson


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    columns = int(sys.argv[3]) if len(sys.argv) > 3 else 784
    rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    # Half uniform in [0, 1) like scaled pixels, half normal like standardized features,
    # with some exact zeros and a few tiny values (orjson writes those with an exponent).
    inputs = np.where(rng.random((rows, columns)) < 0.5, rng.random((rows, columns)), rng.standard_normal((rows, columns)))
    inputs[rng.random((rows, columns)) < 0.1] = 0
    inputs[rng.random((rows, columns)) < 0.01] *= 1e-7
    inputs = inputs.astype(np.float32)
    with open(path, "wb") as file:
        file.write(orjson.dumps({"inputs": inputs}, option=orjson.OPT_SERIALIZE_NUMPY))
    print("checksum", int(inputs.view(np.uint32).astype(np.uint64).sum()))


main()
