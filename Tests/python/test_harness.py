"""The harness itself: paramd starts, answers, and stops cleanly on SIGTERM."""


def test_paramd_starts_answers_and_stops(paramd_factory):
    server = paramd_factory()
    assert server.session.get(server.url + "/healthz").status_code == 200
    created = server.create("mlp", {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 2}]}, seed=0)
    assert created["parameter_count"] == 10
    assert server.stop() == 0
