"""Correctness before timing: gives every server the same model and weights, then checks that
each answers every benchmarked request with the right shape and values, and that all servers
agree with the numpy reference and with each other.

Usage: python check.py WORK_DIR URL [URL ...]    exit status 0 only if every check passed
"""
import json
import sys
import urllib.error
import urllib.request

import numpy as np

import workload

OCTET = "application/octet-stream"
failures = []


def call(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError as error:  # refused, reset, timed out: a failed check, not a crashed checker
        return 0, {}, f"{type(error).__name__}: {error}".encode()


def expect(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAIL {message}")
    return condition


def prepare(base, work):
    """Creates the model and PUTs the fixed weights; returns nothing, records failures."""
    status, _, body = call("POST", f"{base}/v1/models", open(f"{work}/create.json", "rb").read(),
                           {"Content-Type": "application/json"})
    expect(status == 201, f"{base} create -> {status} {body[:200]!r}")
    # Raw float32 PUTs: exact bits, and small enough (0.weight is 0.8 MB raw, 2.5 MB as JSON)
    # that the check exercises the benchmarked sizes rather than the body-size limits.
    for path, shape in workload.SHAPES.items():
        status, _, body = call("PUT", f"{base}/v1/models/mlp/parameters/{path}",
                               open(f"{work}/put-{path}.f32", "rb").read(),
                               {"Content-Type": OCTET, "Tensor-Shape": ",".join(map(str, shape))})
        expect(status == 200, f"{base} PUT {path} -> {status} {body[:200]!r}")


def outputs(base, work):
    """The benchmarked reads on one server, decoded to numpy (None where a request failed)."""
    got = {}
    status, _, body = call("GET", f"{base}/v1/models/mlp/parameters/{workload.GET_PATH}")
    if expect(status == 200, f"{base} GET {workload.GET_PATH} -> {status} {body[:200]!r}"):
        got["get"] = np.asarray(json.loads(body)["value"], dtype=np.float32)
    for tag in workload.JSON_FORWARD_TAGS:
        status, _, body = call("POST", f"{base}/v1/models/mlp/forward",
                               open(f"{work}/forward-{tag}.json", "rb").read(),
                               {"Content-Type": "application/json"})
        if expect(status == 200, f"{base} forward {tag} JSON -> {status} {body[:200]!r}"):
            document = json.loads(body)
            got[tag] = np.asarray(document["outputs"], dtype=np.float64)
            expect(document.get("shape") == list(got[tag].shape),
                   f"{base} forward {tag}: shape field {document.get('shape')} vs outputs {got[tag].shape}")
    status, headers, body = call("POST", f"{base}/v1/models/mlp/forward",
                                 open(f"{work}/forward-b256.f32", "rb").read(),
                                 {"Content-Type": OCTET, "Accept": OCTET, "Tensor-Shape": "256,784"})
    if expect(status == 200, f"{base} forward b256 raw -> {status} {body[:200]!r}"):
        shape = {k.lower(): v for k, v in headers.items()}.get("tensor-shape", "")
        expect(shape.replace(" ", "") == "256,10", f"{base} forward b256 raw: Tensor-Shape {shape!r}")
        got["b256"] = np.frombuffer(body, dtype="<f4").astype(np.float64).reshape(-1, 10)
    return got


def compare(base, got, work):
    weights = workload.weights()
    if "get" in got:
        expect(np.array_equal(got["get"], weights[workload.GET_PATH]),
               f"{base} GET {workload.GET_PATH}: values differ from the PUT ones (float32 round trip)")
    for tag in workload.JSON_FORWARD_TAGS + ["b256"]:
        if tag not in got:
            continue
        want = np.load(f"{work}/reference-{tag}.npy")
        if expect(got[tag].shape == want.shape, f"{base} forward {tag}: shape {got[tag].shape} != {want.shape}"):
            # 1e-4 of the outputs' scale (integer pixel inputs make outputs ~100× larger).
            error = np.max(np.abs(got[tag] - want)) / max(1.0, np.max(np.abs(want)))
            expect(error <= 1e-4, f"{base} forward {tag}: max |error| {error:.3g} (scaled) vs float64 reference")


def patch(base, work):
    status, headers, body = call("PATCH", f"{base}/v1/models/mlp/parameters/{workload.GET_PATH}",
                                 open(f"{work}/patch.json", "rb").read(), {"Content-Type": "application/json"})
    if expect(status == 200, f"{base} PATCH -> {status} {body[:200]!r}"):
        value = json.loads(body)["value"]
        expect(value[0][0] == 1.5, f"{base} PATCH: element [0,0] is {value[0][0]}, not 1.5")
        status, _, body = call("GET", f"{base}/v1/models/mlp/parameters/{workload.GET_PATH}")
        expect(status == 200 and json.loads(body)["value"][0][0] == 1.5, f"{base} PATCH not visible to GET")
    return {k.lower(): v for k, v in headers.items()}.get("etag")


def main(work, bases):
    results = {}
    for base in bases:
        print(f"check {base}")
        try:
            prepare(base, work)
            results[base] = outputs(base, work)
            compare(base, results[base], work)
        except (ValueError, KeyError, TypeError, IndexError) as error:  # a malformed answer
            expect(False, f"{base}: unexpected response: {type(error).__name__}: {error}")
            results.setdefault(base, {})
    first, *rest = bases
    for other in rest:
        for tag in workload.JSON_FORWARD_TAGS + ["b256"]:
            if tag in results[first] and tag in results[other]:
                diff = np.max(np.abs(results[first][tag] - results[other][tag])) / max(1.0, np.max(np.abs(results[first][tag])))
                print(f"  forward {tag}: max |{first} - {other}| = {diff:.3g}")
                expect(diff <= 1e-4, f"forward {tag}: servers disagree by {diff:.3g}")
    for base in bases:
        try:
            etag = patch(base, work)
            print(f"  {base} PATCH checked, ETag after: {etag}")
        except (ValueError, KeyError, TypeError, IndexError) as error:
            expect(False, f"{base} PATCH: unexpected response: {type(error).__name__}: {error}")
    print("checks: " + ("all passed" if not failures else f"{len(failures)} FAILED"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
