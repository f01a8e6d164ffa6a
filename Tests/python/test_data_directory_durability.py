"""A data directory paramd creates on first start is durable: every directory it makes (the
data directory and any missing parent) is followed by an fsync of the directory that holds it,
or a power cut could lose the directory with the models acknowledged in it. strace records the
real binary's system calls; the test reads them in order."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from conftest import paramd_binary

def traced_start(data_dir: Path, trace: Path) -> None:
    """Starts paramd under strace with `data_dir`, waits for it to listen, stops it."""
    command = [
        "strace", "-f", "-y", "-qq", "-e", "trace=mkdir,mkdirat,fsync,fdatasync", "-o", str(trace),
        str(paramd_binary()), "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    listening = threading.Event()
    log: list[str] = []

    def pump() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace")
            log.append(line)
            if "listening" in line:
                listening.set()
        listening.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        assert listening.wait(120) and process.poll() is None, "paramd did not start:\n" + "".join(log)
    finally:
        # SIGTERM to paramd itself (strace's child): strace only passes it on when traced.
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        for child in children:
            os.kill(int(child), signal.SIGTERM)
        if not children:
            process.send_signal(signal.SIGTERM)
        process.wait(60)


def test_every_directory_paramd_creates_is_synced_in_its_parent() -> None:
    base = Path(tempfile.mkdtemp(prefix="paramd-py-mkdir-")).resolve()
    try:
        data_dir = base / "new" / "nested" / "data"
        trace = base / "strace.log"
        traced_start(data_dir, trace)
        calls = trace.read_text().splitlines()

        created: list[tuple[int, Path]] = []
        synced: list[tuple[int, Path]] = []
        for index, call in enumerate(calls):
            made = re.search(r'mkdir(?:at)?\((?:[^,]+, )?"([^"]+)"', call)
            if made and call.rstrip().endswith("= 0"):
                created.append((index, Path(made.group(1))))
            sync = re.search(r"f(?:data)?sync\(\d+<([^>]+)>\)", call)
            if sync:
                synced.append((index, Path(sync.group(1))))

        made = {path for _, path in created}
        for directory in (base / "new", base / "new" / "nested", data_dir):
            assert directory in made, f"paramd did not create {directory}: {calls}"
        for index, directory in created:
            if not str(directory).startswith(str(base)):
                continue
            parent = directory.parent
            assert any(later > index and path == parent for later, path in synced), (
                f"{directory} was created but {parent} was not fsynced after it"
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
