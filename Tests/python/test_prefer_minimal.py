"""`Prefer: return=minimal` on writes of a parameter (RFC 7240), over a real socket.

A write answers with the whole parameter by default; with `return=minimal` it answers 204 with
the new version's ETag and `Preference-Applied`, and must still be exactly the same write:
durable before the answer (checked by SIGKILL), conditional on If-Match, all or nothing.
"""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import tempfile

import numpy as np
import pytest

SPEC = {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 3}]}
PATH = "/v1/models/m/parameters/0.bias"


def value(paramd) -> tuple[list[float], str]:
    response = paramd.session.get(paramd.url + PATH)
    assert response.status_code == 200
    return response.json()["value"], response.headers["ETag"]


@pytest.mark.parametrize(
    "prefer",
    ["return=minimal", "RETURN = \"minimal\"", "respond-async, return=minimal; foo=bar", "wait=5,return=minimal"],
)
def test_patch_with_return_minimal_is_204_with_the_new_etag(paramd, prefer):
    paramd.create("m", SPEC, seed=0)
    before, etag = value(paramd)
    response = paramd.session.patch(
        paramd.url + PATH, json={"op": "set", "index": [1], "value": 42.5}, headers={"Prefer": prefer}
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers["Preference-Applied"] == "return=minimal"
    after, new_etag = value(paramd)
    assert response.headers["ETag"] == new_etag != etag
    assert after == [before[0], 42.5, before[2]]


@pytest.mark.parametrize("prefer", ["return=representation", "return=bogus", "return", "minimal", ",;=", "return=minimal=x"])
def test_other_preferences_get_the_parameter(paramd, prefer):
    paramd.create("m", SPEC, seed=0)
    response = paramd.session.patch(paramd.url + PATH, json={"op": "fill", "value": 7}, headers={"Prefer": prefer})
    assert response.status_code == 200, response.text
    assert "Preference-Applied" not in response.headers
    assert response.json()["value"] == [7.0, 7.0, 7.0]


def test_only_the_first_return_preference_counts(paramd):
    paramd.create("m", SPEC, seed=0)
    response = paramd.session.patch(
        paramd.url + PATH, json={"op": "fill", "value": 1}, headers={"Prefer": "return=representation, return=minimal"}
    )
    assert response.status_code == 200 and response.json()["value"] == [1.0, 1.0, 1.0]


def test_put_with_return_minimal_over_curl(paramd):
    paramd.create("m", SPEC, seed=0)
    completed = subprocess.run(
        ["curl", "-sS", "-i", "-X", "PUT", paramd.url + PATH, "-H", "Content-Type: application/json",
         "-H", "Prefer: return=minimal", "--data", '{"value": [1, 2, 3]}'],
        capture_output=True, check=True, text=True,
    )
    head, _, body = completed.stdout.partition("\n\n")  # text mode turned CRLF into LF
    assert head.startswith("HTTP/1.1 204"), head
    assert body == ""
    assert "Preference-Applied: return=minimal" in head
    after, etag = value(paramd)
    assert after == [1.0, 2.0, 3.0]
    assert f"ETag: {etag}" in head


def test_a_minimal_write_is_still_conditional_and_all_or_nothing(paramd):
    paramd.create("m", SPEC, seed=0)
    before, etag = value(paramd)
    stale = paramd.session.patch(
        paramd.url + PATH, json={"op": "fill", "value": 3},
        headers={"Prefer": "return=minimal", "If-Match": '"999"'},
    )
    assert stale.status_code == 412
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    half = paramd.session.patch(
        paramd.url + PATH,
        json={"ops": [{"op": "set", "index": [0], "value": 9}, {"op": "set", "index": [7], "value": 9}]},
        headers={"Prefer": "return=minimal"},
    )
    assert half.status_code == 422
    assert value(paramd) == (before, etag)


def test_an_acknowledged_minimal_patch_survives_sigkill(paramd_factory):
    data = tempfile.mkdtemp(prefix="paramd-prefer-")
    try:
        first = paramd_factory(data_dir=data)
        first.create("m", {"type": "sequential", "layers": [{"type": "linear", "in": 64, "out": 1000}]}, seed=0)
        written = {}
        for index in range(50):
            response = first.session.patch(
                first.url + PATH, data=json.dumps({"op": "set", "index": [index * 7], "value": index + 0.5}),
                headers={"Content-Type": "application/json", "Prefer": "return=minimal"},
            )
            assert response.status_code == 204
            written[index * 7] = np.float32(index + 0.5)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        second = paramd_factory(data_dir=data)
        stored, etag = value(second)
        assert etag == '"51"'
        for index, expected in written.items():
            assert np.float32(stored[index]) == expected
    finally:
        shutil.rmtree(data, ignore_errors=True)
