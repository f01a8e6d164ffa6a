"""Times Python's orjson and json on the files JSONBench wrote, and prints the best times as JSON.

Run by JSONBench itself (same machine, same run, same bytes); not meant to be run alone.
Usage: peer.py REPEATS FILE... [--loads-only FILE...]
Prints {"orjson": {"loads": {file: s}, "dumps": {...}}, "json": ...}; files after --loads-only
are timed with orjson.loads alone (the client payload families).
"""
import json
import sys
import time

try:
    import orjson
except ImportError:  # the comparison then shows json only
    orjson = None


def best_seconds(function, repeats):
    """The fastest of `repeats` runs: the one least disturbed on a shared machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    repeats = int(sys.argv[1])
    files = sys.argv[2:]
    loads_only = []
    if "--loads-only" in files:
        loads_only = files[files.index("--loads-only") + 1:]
        files = files[:files.index("--loads-only")]
    result = {}
    libraries = [("json", json.loads, lambda v: json.dumps(v).encode())]
    if orjson is not None:
        libraries.insert(0, ("orjson", orjson.loads, orjson.dumps))
    for name, loads, dumps in libraries:
        result[name] = {"loads": {}, "dumps": {}}
        for path in files:
            data = open(path, "rb").read()
            value = loads(data)
            result[name]["loads"][path] = best_seconds(lambda: loads(data), repeats)
            result[name]["dumps"][path] = best_seconds(lambda: dumps(value), repeats)
        if name == "orjson":
            for path in loads_only:
                data = open(path, "rb").read()
                result[name]["loads"][path] = best_seconds(lambda: loads(data), repeats)
    print(json.dumps(result))


main()
