"""A real PostgreSQL for the replica tests: Debian's `postgresql` package, initdb into a temp
directory that the `postgres` user owns (runuser when the tests run as root, as CI does), the
server on a free loopback port, stopped by its pid (never by name: other servers may run)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (Tests/python/apt-packages.txt)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """`url` (postgresql://postgres@127.0.0.1:PORT/paramd), `start()`, `stop()` (fast shutdown by
    pid), `kill()` (SIGKILL of the postmaster), `sql(...)` through psql."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="paramd-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                "max_connections = 200\n"
            )
        self.pid: int | None = None
        self.start()
        self.sql("CREATE DATABASE paramd", database="postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/paramd"

    def _run(self, command: list[str], **options) -> subprocess.CompletedProcess:
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **options)

    def start(self) -> None:
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"])
        self.pid = int((self.data / "postmaster.pid").read_text().split("\n")[0])

    def stop(self, mode: signal.Signals = signal.SIGINT) -> None:
        """Fast shutdown (SIGINT: disconnects clients, rolls back open transactions) by pid."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, mode)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.pid = None

    def sql(self, statement: str, database: str = "paramd") -> str:
        result = self._run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-At", "-v", "ON_ERROR_STOP=1", "-c", statement])
        return result.stdout.strip()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
