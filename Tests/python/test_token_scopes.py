"""Scoped tokens with tritonclient: an `infer` token runs inference over /v2, a `read` token is
refused it (403, the scope named in the protocol's error body), as the README's Security
section says. The tokens file holds one token as its SHA-256 digest and one in plain text."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

SPEC = {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 3}]}
RUNNER = "runner-token-1"
READER = "reader-token-2"


@pytest.fixture
def scoped(paramd_factory, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text(
        f"sha256:{hashlib.sha256(RUNNER.encode()).hexdigest()} infer\n"
        f"{READER} read\n"
    )
    server = paramd_factory(token="admin-token-0", args=["--tokens-file", str(tokens)])
    server.create("net", SPEC, seed=0)
    client = httpclient.InferenceServerClient(url=f"127.0.0.1:{server.port}")
    yield server, client
    client.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def inputs(x: np.ndarray) -> list[httpclient.InferInput]:
    tensor = httpclient.InferInput("input", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    return [tensor]


def test_an_infer_token_runs_inference(scoped):
    server, client = scoped
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    assert client.get_model_metadata("net", headers=bearer(RUNNER))["name"] == "net"
    result = client.infer("net", inputs(x), headers=bearer(RUNNER)).as_numpy("output")
    reference = server.session.post(f"{server.url}/v1/models/net/forward", json={"inputs": x.tolist()})
    assert reference.status_code == 200, reference.text
    assert np.array_equal(result, np.asarray(reference.json()["outputs"], dtype=np.float32))


def test_a_read_token_is_refused_inference_naming_the_scope(scoped):
    server, client = scoped
    for call in (
        lambda: client.infer("net", inputs(np.zeros((1, 4), np.float32)), headers=bearer(READER)),
        lambda: client.get_model_metadata("net", headers=bearer(READER)),
    ):
        with pytest.raises(InferenceServerException) as caught:
            call()
        assert caught.value.status() == "403", str(caught.value)
        assert 'lacks the scope "infer"' in caught.value.message()
    # The same token reads the model over /v1, and the infer token may not.
    assert server.session.get(f"{server.url}/v1/models/net", headers=bearer(READER)).status_code == 200
    assert server.session.get(f"{server.url}/v1/models/net", headers=bearer(RUNNER)).status_code == 403


def test_health_stays_open_and_unknown_tokens_are_401(scoped):
    _, client = scoped
    assert client.is_server_live()
    assert client.is_server_ready()
    with pytest.raises(InferenceServerException) as caught:
        client.get_server_metadata(headers=bearer("nobody"))
    assert caught.value.status() == "401"
