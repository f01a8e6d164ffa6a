"""Replicas on PostgreSQL (issue #16): several paramd processes on one database, over loopback.

A real PostgreSQL (postgres_server.py) per module, a fresh database per test; every paramd runs
with `--store postgresql://…`. Nothing here orders events by sleeping: a replica's catch-up is
waited for by polling its answer with a deadline.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import ROOT, Paramd
from postgres_server import PostgresServer

MLP = {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.destroy()


@pytest.fixture
def database(postgres):
    """A fresh database's URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    postgres.sql(f"CREATE DATABASE {name}", database="postgres")
    return f"postgresql://postgres@127.0.0.1:{postgres.port}/{name}"


@pytest.fixture
def replicas(database):
    """`replicas(n)` starts n paramd on the test's database; all are stopped at the end."""
    started: list[Paramd] = []

    def start(count: int, args: list[str] | None = None) -> list[Paramd]:
        new = [Paramd(args=["--store", database, *(args or [])]) for _ in range(count)]
        started.extend(new)
        return new

    yield start
    for server in started:
        server.stop()


def eventually(check, what: str, seconds: float = 20):
    """Polls `check` until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def version(server: Paramd, model: str) -> int | None:
    response = server.session.get(f"{server.url}/v1/models/{model}")
    return response.json()["version"] if response.status_code == 200 else None


def bias(server: Paramd, model: str, **params) -> list[float]:
    response = server.session.get(f"{server.url}/v1/models/{model}/parameters/2.bias", params=params)
    assert response.status_code == 200, response.text
    return response.json()["value"]


def test_store_protocol_and_client_against_postgres(database):
    """The Swift suites that need a server (PostgresTests, PostgresStoreTests) run for real."""
    env = {**os.environ, "PARAMD_TEST_POSTGRES_URL": database}
    run = subprocess.run(
        ["swift", "test", "--skip-build", "--filter", "PostgresTests|PostgresStoreTests"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600)
    failures = "\n".join(line for line in run.stdout.splitlines() if "✘" in line or "error" in line.lower())
    assert run.returncode == 0, failures + run.stdout[-2000:] + run.stderr[-2000:]
    for suite in ("PostgresConnectionTests", "PostgresStoreTests"):  # ran, not skipped
        assert f"Suite {suite} passed" in run.stdout, run.stdout[-4000:]


def test_readme_walkthrough_round_robin_across_three_replicas(replicas):
    servers = replicas(3)
    urls = [arg for server in servers for arg in ("--url", server.url)]
    run = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "readme_walkthrough.py"), *urls, "--consistent"],
        capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr + run.stdout


def test_create_change_and_delete_are_seen_by_every_replica(replicas):
    a, b, c = replicas(3)
    a.create("m", MLP, seed=0)
    for server in (b, c):
        eventually(lambda: version(server, "m") == 1, "the create to reach every replica")
    response = b.session.put(f"{b.url}/v1/models/m/parameters/2.bias", json={"value": [0.5]})
    assert response.status_code == 200, response.text
    for server in (a, c):
        eventually(lambda: bias(server, "m") == [0.5], "the write to reach every replica")
        assert version(server, "m") == 2
    assert c.session.delete(f"{c.url}/v1/models/m").status_code == 204
    for server in (a, b):
        eventually(lambda: server.session.get(f"{server.url}/v1/models/m").status_code == 404, "the delete")
    # The name is free again everywhere, and a new model under it is a new model.
    b.create("m", MLP, seed=1)
    eventually(lambda: version(a, "m") == 1 and bias(a, "m") == bias(b, "m"), "the re-created model")


def test_consistent_read_sees_a_write_acknowledged_elsewhere_at_once(replicas):
    a, b = replicas(2)
    a.create("m", MLP, seed=0)
    for step in range(1, 21):
        response = a.session.put(f"{a.url}/v1/models/m/parameters/2.bias", json={"value": [float(step)]})
        assert response.status_code == 200
        assert bias(b, "m", consistent="true") == [float(step)]
    # The header form: the version the client needs.
    response = a.session.put(f"{a.url}/v1/models/m/parameters/2.bias", json={"value": [99.0]})
    needed = version(a, "m")
    got = b.session.get(f"{b.url}/v1/models/m/parameters/2.bias", headers={"Paramd-Min-Version": str(needed)})
    assert got.status_code == 200 and got.json()["value"] == [99.0]
    for bad in ("0", "x", "-1"):
        got = b.session.get(f"{b.url}/v1/models/m", headers={"Paramd-Min-Version": bad})
        assert got.status_code == 400 and got.headers["Content-Type"].startswith("application/problem+json")
    assert b.session.get(f"{b.url}/v1/models/m", params={"consistent": "maybe"}).status_code == 400


def test_concurrent_if_match_writers_on_different_replicas_have_one_winner_per_version(replicas):
    servers = replicas(3)
    servers[0].create("m", MLP, seed=0)
    for server in servers:
        eventually(lambda: version(server, "m") == 1, "the model on every replica")
    rounds = 15
    winners_per_version: dict[int, list[int]] = {}
    for _ in range(rounds):
        current = servers[0].session.get(f"{servers[0].url}/v1/models/m", params={"consistent": "true"}).json()["version"]
        barrier = threading.Barrier(len(servers))

        def write(index: int) -> tuple[int, int]:
            server = servers[index]
            barrier.wait()
            response = requests.patch(
                f"{server.url}/v1/models/m/parameters/2.bias",
                json={"op": "fill", "value": float(index)}, headers={"If-Match": f'"{current}"'}, timeout=30)
            return index, response.status_code

        with ThreadPoolExecutor(len(servers)) as pool:
            results = list(pool.map(write, range(len(servers))))
        winners = [index for index, status in results if status == 200]
        losers = [status for _, status in results if status != 200]
        assert len(winners) == 1, results
        assert all(status in (409, 412) for status in losers), results
        winners_per_version[current + 1] = winners
        # The stored value is the winner's.
        assert bias(servers[(winners[0] + 1) % 3], "m", consistent="true") == [float(winners[0])]
    assert len(winners_per_version) == rounds


def test_writes_without_if_match_on_several_replicas_lose_no_update(replicas):
    """Adds from three replicas at once: a replica that finds the version moved catches up and
    applies its add again on top, so the sum is exact."""
    servers = replicas(3)
    servers[0].create("m", {"type": "sequential", "layers": [{"type": "linear", "in": 1, "out": 1}]}, init="zeros")
    for server in servers:
        eventually(lambda: version(server, "m") == 1, "the model on every replica")
    per_writer = 20

    def add(index: int) -> list[int]:
        server = servers[index % 3]
        return [
            requests.patch(f"{server.url}/v1/models/m/parameters/0.bias", json={"op": "add", "value": 1.0}, timeout=30).status_code
            for _ in range(per_writer)]

    with ThreadPoolExecutor(6) as pool:
        statuses = [status for result in pool.map(add, range(6)) for status in result]
    assert statuses.count(200) == len(statuses), [s for s in statuses if s != 200]
    value = servers[1].session.get(f"{servers[1].url}/v1/models/m/parameters/0.bias", params={"consistent": "true"}).json()["value"]
    assert value == [float(6 * per_writer)]


def test_kill_9_during_writes_loses_no_acknowledged_write(replicas, database):
    a, b = replicas(2)
    a.create("m", {"type": "sequential", "layers": [{"type": "linear", "in": 1, "out": 64}]}, init="zeros")
    acknowledged: list[float] = []
    stop = threading.Event()

    def writer() -> None:
        step = 0
        while not stop.is_set() and step < 5000:
            step += 1
            try:
                response = requests.patch(
                    f"{a.url}/v1/models/m/parameters/0.bias", json={"op": "fill", "value": float(step)}, timeout=10)
            except requests.RequestException:
                return
            if response.status_code == 200:
                acknowledged.append(float(step))

    thread = threading.Thread(target=writer)
    thread.start()
    eventually(lambda: len(acknowledged) >= 30, "some acknowledged writes")
    a.process.send_signal(signal.SIGKILL)
    a.process.wait()
    stop.set()
    thread.join()
    last_value = acknowledged[-1]
    # The survivor (and a replica started afresh) hold the last acknowledged value or a later one.
    got = b.session.get(f"{b.url}/v1/models/m/parameters/0.bias", params={"consistent": "true"}).json()["value"]
    assert got[0] >= last_value
    (fresh,) = replicas(1)
    assert fresh.session.get(f"{fresh.url}/v1/models/m/parameters/0.bias").json()["value"][0] >= last_value


def test_postgres_stopped_and_started_under_load(replicas, postgres):
    a, b = replicas(2)
    a.create("m", MLP, seed=0)
    eventually(lambda: version(b, "m") == 1, "the model on b")
    before = bias(b, "m")
    postgres.stop()
    try:
        # Writes are refused with 503 and Retry-After; nothing half-applied.
        response = a.session.put(f"{a.url}/v1/models/m/parameters/2.bias", json={"value": [7.0]})
        assert response.status_code == 503, response.text
        assert response.headers.get("Retry-After") == "1"
        assert response.headers["Content-Type"].startswith("application/problem+json")
        # Reads and forwards go on from the last snapshot.
        for server in (a, b):
            assert bias(server, "m") == before
            forward = server.session.post(f"{server.url}/v1/models/m/forward", json={"inputs": [[1, 2, 3, 4]]})
            assert forward.status_code == 200
        # /readyz stays 200 (the replica serves) but says degraded, and why.
        ready = eventually(lambda: (r := b.session.get(f"{b.url}/readyz")).json().get("status") == "degraded" and r, "degraded")
        assert ready.status_code == 200 and "cannot be reached" in ready.json()["reason"]
        assert "password" not in ready.text
    finally:
        postgres.start()
    # Recovers by itself: the follower reconnects, writes succeed again and reach the other replica.
    eventually(lambda: a.session.put(f"{a.url}/v1/models/m/parameters/2.bias", json={"value": [7.0]}).status_code == 200,
               "writes to succeed again", seconds=30)
    eventually(lambda: bias(b, "m") == [7.0], "b to hear the write after the restart", seconds=30)
    eventually(lambda: b.session.get(f"{b.url}/readyz").json().get("status") == "ready", "ready again", seconds=30)


def test_a_lost_notification_is_caught_up(replicas, postgres, database):
    """A commit whose NOTIFY never reaches b (made in SQL without one, as if lost), then b's
    listening connection cut: b reconnects, compares versions and fetches the change."""
    a, b = replicas(2)
    a.create("m", MLP, seed=0)
    eventually(lambda: version(b, "m") == 1, "the model on b")
    dbname = database.rsplit("/", 1)[1]
    # 1.0 as little-endian float32.
    postgres.sql(
        "BEGIN; UPDATE paramd_models SET version = 2 WHERE name = 'm'; "
        "UPDATE paramd_tensors SET data = '\\x0000803f'::bytea, version = 2 "
        "WHERE path = '2.bias' AND model_id = (SELECT id FROM paramd_models WHERE name = 'm'); COMMIT;", database=dbname)
    listeners = postgres.sql(
        f"SELECT pid FROM pg_stat_activity WHERE application_name = 'paramd follower' AND datname = '{dbname}'").split()
    assert len(listeners) == 2
    postgres.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ({','.join(listeners)})")
    eventually(lambda: bias(b, "m") == [1.0] and version(b, "m") == 2, "b to catch up after reconnecting")
    eventually(lambda: bias(a, "m") == [1.0], "a too")
    # And a model created while nobody listened is adopted the same way.
    a.create("n", MLP, seed=2)
    eventually(lambda: version(b, "n") == 1, "b to see the new model")


def test_the_password_never_reaches_the_log_or_readyz(postgres, database, tmp_path):
    """The test server trusts loopback, so any password logs in: what matters is where it shows."""
    with_password = database.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
    password_file = tmp_path / "pg-password"
    password_file.write_text("s3cret-file\n")
    servers = [Paramd(args=["--store", with_password]),
               Paramd(args=["--store", database, "--store-password-file", str(password_file)])]
    try:
        servers[0].create("m", MLP, seed=0)
        eventually(lambda: version(servers[1], "m") == 1, "the model on the second replica")
        postgres.stop()
        try:
            assert servers[0].session.put(f"{servers[0].url}/v1/models/m/parameters/2.bias", json={"value": [1.0]}).status_code == 503
            for server in servers:
                ready = eventually(lambda: (r := server.session.get(f"{server.url}/readyz")).json()["status"] == "degraded" and r, "degraded")
                assert "hunter2" not in ready.text and "s3cret" not in ready.text
        finally:
            postgres.start()
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "hunter2" not in server.log and "s3cret" not in server.log
    assert "postgres:***@" in servers[0].log
