"""Shared fixtures for the Python suites: the real `paramd` binary on a free port.

The binary is the one `swift build` made (debug by default; PARAMD_TEST_BINARY overrides it),
started with a temporary data directory and stopped with SIGTERM. These suites test paramd
with the tools its users have — torch, safetensors, onnx, onnxruntime, tritonclient, a browser
— so they run the real packages, not mocks (requirements.txt; scripts/test-deps.sh installs).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def paramd_binary() -> Path:
    explicit = os.environ.get("PARAMD_TEST_BINARY")
    if explicit:
        return Path(explicit)
    return ROOT / ".build" / "debug" / "paramd"


class Paramd:
    """One running paramd: `url`, `port`, `token`, `data_dir`, its log, and a `session`
    (requests) that sends the token when there is one."""

    def __init__(self, args: list[str] | None = None, token: str | None = None, data_dir: str | None = None):
        self.token = token
        self.own_data_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="paramd-py-")
        command = [str(paramd_binary()), "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir]
        if token:
            command += ["--token", token]
        command += args or []
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARAMD_")}
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=environment)
        self.log_lines: list[str] = []
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self._wait_ready()

    def _wait_for_port(self) -> int:
        found: dict[str, int] = {}
        ready = threading.Event()

        def pump() -> None:
            assert self.process.stderr is not None
            for raw in self.process.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.log_lines.append(line)
                if "listening" in line and "port" not in found:
                    match = re.search(r"port=(\d+)", line)
                    if match:
                        found["port"] = int(match.group(1))
                        ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(60) or "port" not in found:
            self.process.kill()
            raise RuntimeError("paramd did not report its port:\n" + "\n".join(self.log_lines))
        return found["port"]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError("paramd never became ready:\n" + self.log)

    @property
    def log(self) -> str:
        return "\n".join(self.log_lines)

    def create(self, name: str, spec: dict, **members) -> dict:
        """POST /v1/models; asserts 201 and returns the description."""
        response = self.session.post(self.url + "/v1/models", json={"name": name, "spec": spec, **members})
        assert response.status_code == 201, response.text
        return response.json()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        return self.process.returncode


@pytest.fixture
def paramd():
    """A fresh paramd with an empty data directory, no token."""
    server = Paramd()
    yield server
    server.stop()


@pytest.fixture
def paramd_factory():
    """Starts paramd servers with given flags (`paramd_factory(args=[...], token=...)`);
    stops them all at the end of the test."""
    servers: list[Paramd] = []

    def start(**options) -> Paramd:
        server = Paramd(**options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
