"""The access log of the real server: one line per request on stderr by default, in a file with
`--access-log PATH`, none with `--access-log off`; never the query string."""
from __future__ import annotations

import re
import time
from pathlib import Path

import requests

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z request id=\S+ remote=\S+ method=(\S+) route=(\S+) "
    r"status=(\d+) bytes_in=\d+ bytes_out=\d+ duration_ms=\d+\.\d{3} completed=(true|false)$"
)


def request_lines(text: str) -> list[re.Match]:
    return [match for line in text.splitlines() if (match := LINE.match(line))]


def stopped(server) -> str:
    """Stops the server (which writes every queued line first) and returns its stderr once the
    last message, logged after the access log is closed, has been read."""
    server.stop()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("stopped" in line for line in server.log_lines):
        time.sleep(0.02)
    return server.log


def some_requests(server) -> None:
    assert requests.get(server.url + "/healthz").status_code == 200
    assert requests.get(server.url + "/v1/models?token=secret-in-query").status_code == 200
    assert requests.get(server.url + "/no/such/route").status_code == 404


def test_default_writes_one_line_per_request_to_stderr(paramd_factory):
    server = paramd_factory()
    some_requests(server)
    lines = request_lines(stopped(server))
    seen = [(m.group(1), m.group(2), m.group(3)) for m in lines]
    # /readyz: the fixture's own readiness polls.
    assert [s for s in seen if s[1] != "/readyz"] == [
        ("GET", "/healthz", "200"),
        ("GET", "/v1/models", "200"),
        ("GET", "unmatched", "404"),
    ]
    assert "secret-in-query" not in server.log


def test_file_option_writes_lines_there_and_none_to_stderr(paramd_factory, tmp_path: Path):
    path = tmp_path / "access.log"
    server = paramd_factory(args=["--access-log", str(path)])
    some_requests(server)
    # The log's thread writes within milliseconds while the server runs.
    wanted = {"/healthz", "/v1/models", "unmatched"}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not wanted <= {m.group(2) for m in request_lines(path.read_text())}:
        time.sleep(0.02)
    assert wanted <= {m.group(2) for m in request_lines(path.read_text())}
    assert request_lines(stopped(server)) == []


def test_off_writes_no_lines(paramd_factory):
    server = paramd_factory(args=["--access-log", "off"])
    some_requests(server)
    log = stopped(server)
    assert "listening" in log
    assert request_lines(log) == []
    assert " request " not in log


def test_an_unwritable_path_stops_the_start_with_a_clear_message(tmp_path: Path):
    import subprocess

    from conftest import paramd_binary

    result = subprocess.run(
        [str(paramd_binary()), "--port", "0", "--data-dir", str(tmp_path / "data"),
         "--access-log", str(tmp_path / "missing" / "access.log")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "cannot open the access log" in result.stderr
