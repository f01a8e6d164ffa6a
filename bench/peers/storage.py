"""Durable model storage: one folder per model, replaced the way paramd does it.

A write is acknowledged only after write temp -> fsync -> rename -> fsync(directory); without
the directory fsync the rename itself can be lost on power failure.
"""
import io
import os

import orjson
import torch


def write_durably(path: str, data: bytes) -> None:
    """Replaces `path` with `data` atomically and durably."""
    directory = os.path.dirname(path)
    temp = f"{path}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class ModelStore:
    """Keeps each model as <root>/<name>/spec.json and <root>/<name>/state.pt."""

    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(root, exist_ok=True)

    def save_spec(self, name: str, description: dict) -> None:
        folder = os.path.join(self.root, name)
        os.makedirs(folder, exist_ok=True)
        write_durably(os.path.join(folder, "spec.json"), orjson.dumps(description))

    def save_state(self, name: str, state: dict) -> None:
        """Serializes the whole state dict (torch.save) and replaces the stored one durably."""
        buffer = io.BytesIO()
        torch.save(state, buffer)
        write_durably(os.path.join(self.root, name, "state.pt"), buffer.getvalue())
