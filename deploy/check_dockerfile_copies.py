"""Checks that the Dockerfile's compile stage copies every folder Package.swift has a target in,
and that .dockerignore lets each through: SwiftPM refuses a manifest whose target folder is
missing, so a target added in a new top-level folder would break `docker build` for everyone
with registry access, which no local build here exercises.

    swift package dump-package | python3 deploy/check_dockerfile_copies.py
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    targets = json.load(sys.stdin)["targets"]
    default = {"test": "Tests"}
    needed = {(target.get("path") or default.get(target["type"], "Sources")).split("/")[0] for target in targets}
    needed.add("Package.swift")
    dockerfile = (ROOT / "Dockerfile").read_text()
    stage = dockerfile.split("\nFROM ${BUILD_IMAGE} AS compiled\n", 1)[1].split("\nFROM ", 1)[0]
    copied = set(re.findall(r"^COPY (\S+) ", stage, flags=re.M))
    allowed = {line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines() if line.startswith("!")}
    problems = [f"the compile stage does not COPY {name}" for name in sorted(needed - copied)]
    problems += [f".dockerignore does not let {name} through" for name in sorted(needed - allowed)]
    for problem in problems:
        print(f"Dockerfile: {problem} (Package.swift needs it)", file=sys.stderr)
    if not problems:
        print(f"Dockerfile: the compile stage copies every folder Package.swift needs: {', '.join(sorted(needed))}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
