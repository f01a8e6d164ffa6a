"""The statistics routes against numpy on the values paramd itself returns.

`numpy.histogram` is the reference for the edges and counts (float32 edges, last bin closed,
a constant tensor's range c +- 0.5); mean, std (ddof 0) and the L2 norm in float64.
"""
from __future__ import annotations

import numpy as np
import pytest

MLP = {"type": "sequential", "layers": [{"type": "linear", "in": 64, "out": 96}, {"type": "relu"}, {"type": "linear", "in": 96, "out": 3}]}


def stats(server, model, path, **params):
    response = server.session.get(f"{server.url}/v1/models/{model}/parameters/{path}/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def check_against_numpy(statistics, values):
    a = np.asarray(values, dtype=np.float32).ravel()
    histogram = statistics["histogram"]
    counts, edges = np.histogram(a, bins=len(histogram["counts"]))
    assert histogram["counts"] == counts.tolist()
    assert np.array_equal(np.asarray(histogram["edges"], dtype=np.float32), edges)
    wide = a.astype(np.float64)
    assert statistics["count"] == a.size
    # Both are float32 values in their shortest decimal form.
    assert np.float32(statistics["min"]) == a.min() and np.float32(statistics["max"]) == a.max()
    assert statistics["mean"] == pytest.approx(wide.mean(), rel=1e-9, abs=1e-12)
    assert statistics["std"] == pytest.approx(wide.std(), rel=1e-9, abs=1e-12)
    assert statistics["norm"] == pytest.approx(np.sqrt((wide * wide).sum()), rel=1e-9)
    assert statistics["zero_fraction"] == pytest.approx(float((a == 0).mean()))


@pytest.mark.parametrize("bins", [1, 7, 64, 1024])
def test_stats_match_numpy_for_initial_weights(paramd, bins):
    paramd.create("net", MLP, seed=3)
    value = paramd.session.get(f"{paramd.url}/v1/models/net/parameters/0.weight").json()["value"]
    check_against_numpy(stats(paramd, "net", "0.weight", bins=bins)["value"], value)


def test_stats_of_edited_values_gradients_and_slices_match_numpy(paramd):
    paramd.create("net", MLP, seed=5)
    rng = np.random.default_rng(7)
    # Values sitting exactly on edges, repeated values and zeros: where placement rules show.
    value = np.round(rng.normal(0, 1, (96, 64)) * 4) / 4
    value[:10] = 0
    response = paramd.session.put(f"{paramd.url}/v1/models/net/parameters/0.weight", json={"value": value.tolist()})
    assert response.status_code == 200, response.text
    check_against_numpy(stats(paramd, "net", "0.weight", bins=16)["value"], value)
    check_against_numpy(stats(paramd, "net", "0.weight", bins=5, slice="10:40,3:9")["value"], value[10:40, 3:9])

    batch = {"inputs": rng.normal(0, 1, (8, 64)).tolist(), "targets": rng.normal(0, 1, (8, 3)).tolist(), "loss": "mse"}
    assert paramd.session.post(f"{paramd.url}/v1/models/net/backward", json=batch).status_code == 200
    grad = paramd.session.get(f"{paramd.url}/v1/models/net/parameters/2.weight").json()["grad"]
    check_against_numpy(stats(paramd, "net", "2.weight", bins=9)["grad"], grad)


def test_a_constant_tensor_is_one_bar_in_numpys_middle_bin(paramd):
    paramd.create("net", MLP, seed=0)
    rules = {"rules": [{"match": "2.bias", "init": {"name": "constant", "value": 42}}]}
    assert paramd.session.post(f"{paramd.url}/v1/models/net/initialize", json=rules).status_code == 200
    for bins in (1, 2, 3, 64):
        check_against_numpy(stats(paramd, "net", "2.bias", bins=bins)["value"], [42.0, 42.0, 42.0])


def test_heatmap_cells_are_block_means(paramd):
    paramd.create("net", MLP, seed=1)
    value = np.asarray(paramd.session.get(f"{paramd.url}/v1/models/net/parameters/0.weight").json()["value"], dtype=np.float32)
    response = paramd.session.get(f"{paramd.url}/v1/models/net/parameters/0.weight/heatmap", params={"rows": 7, "cols": 10})
    assert response.status_code == 200, response.text
    heatmap = response.json()
    cells = np.asarray(heatmap["cells"])
    assert cells.shape == (7, 10)
    rows, cols = value.shape
    for i in range(7):
        for j in range(10):
            block = value[i * rows // 7:(i + 1) * rows // 7, j * cols // 10:(j + 1) * cols // 10].astype(np.float64)
            assert cells[i, j] == pytest.approx(block.mean(), rel=1e-6, abs=1e-7)
    assert heatmap["min"] == cells.min() and heatmap["max"] == cells.max()
