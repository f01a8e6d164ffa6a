"""README.md's "State dicts" and "ONNX" sections, run as a user would: every curl command in
order against a fresh paramd (its output compared with the one shown), every Python snippet
with the real torch, safetensors and onnxruntime."""
from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import torch

from conftest import ROOT

SECTIONS = ("### State dicts", "### ONNX")


def blocks() -> list[tuple[str, str, str | None]]:
    """(language, body, the output block's body for a curl command) of the sections, in order."""
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTIONS[0])
    # Up to the heading after the last of these sections (other sections have tests of their own).
    end = re.compile(r"^#{2,3} ", re.M).search(text, text.index(SECTIONS[-1]) + len(SECTIONS[-1])).start()
    found = re.findall(r"```(\w+)\n(.*?)```", text[start:end], flags=re.S)
    result = []
    for index, (language, body) in enumerate(found):
        if language == "sh":
            output = found[index + 1][1] if index + 1 < len(found) and found[index + 1][0] in ("json", "text") else None
            result.append((language, body, output))
        elif language == "python":
            result.append((language, body, None))
    return result


def test_the_readme_sections_run_as_shown(paramd):
    ran = {"sh": 0, "python": 0}
    namespaces = []
    for language, body, expected in blocks():
        source = body.replace("localhost:8080", f"127.0.0.1:{paramd.port}")
        if language == "sh":
            actual = subprocess.run(["bash", "-c", source], capture_output=True, text=True, timeout=60).stdout.strip("\n")
            if expected is not None:
                expected = expected.strip("\n")
                if expected.startswith(("{", "[")):
                    assert json.loads(actual) == json.loads(expected), body
                else:
                    assert actual == expected, body
        else:
            namespace: dict = {}
            exec(compile(source, "README.md", "exec"), namespace)
            namespaces.append(namespace)
        ran[language] += 1
    assert ran == {"sh": 7, "python": 2}

    # The torch snippet loaded paramd's weights, trained, and loaded them back as version 2.
    torch_snippet = namespaces[0]
    assert torch_snippet["answer"].status_code == 200 and torch_snippet["answer"].json()["version"] == 2
    with torch.no_grad():
        expected = torch_snippet["net"](torch_snippet["X"]).numpy()
    forward = paramd.session.post(f"{paramd.url}/v1/models/mlp-torch/forward", json={"inputs": torch_snippet["X"].tolist()})
    np.testing.assert_allclose(np.array(forward.json()["outputs"], dtype=np.float32), expected, rtol=1e-5, atol=1e-6)
