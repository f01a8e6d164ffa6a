"""Replays README.md's curl examples, in order, against a running paramd and checks that each
prints what the README shows: the walkthrough a user follows, sent to a deployed server.

    python3 deploy/readme_walkthrough.py --url http://127.0.0.1:PORT [--token-file FILE]
    python3 deploy/readme_walkthrough.py --url URL_A --url URL_B --url URL_C --consistent [--balancer URL]

Several --url send the examples round-robin, one replica after the other; --consistent adds
`consistent=true` to every model URL, so a replica catches up with the write the previous one
acknowledged before it answers (read-your-writes across replicas). Gradients live in memory on
the replica that computed them (they are not stored), so once a model had a backward pass its
later examples go to that replica, as a sticky session would send them. A model with dropout
stays on the replica that created it: its masks continue the seeded stream that created the
weights, a stream only that process has (another replica, like a restarted server, starts it
again from the seed), so the README's train-mode outputs are that process's. --balancer (a load
balancer in front of the replicas) takes its turn in the round robin, except for the examples of
such a model: those go to a replica the walkthrough knows.

An example is a ```sh block holding one curl command followed by a ```json or ```text block
(the pairs Tests/EndToEndTests/ReadmeExamplesTests.swift replays against a fresh binary). JSON
is compared as values, numbers to 1e-5 relative; text exactly. The server must start empty.
Exits 1 on the first difference; every request is bounded by --max-time.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def examples(text: str) -> list[tuple[str, str, str]]:
    """(command, expected output, output language) for each curl block followed by its output."""
    blocks = [(match.group(1), match.group(2).rstrip("\n")) for match in BLOCK.finditer(text)]
    found = []
    for (language, body), (next_language, next_body) in zip(blocks, blocks[1:]):
        if language == "sh" and "\n" not in body and body.startswith("curl ") and next_language in ("json", "text"):
            found.append((body, next_body, next_language))
    return found


def close(a, b) -> bool:
    """Structural equality with the tolerance float32 kernels need across CPUs."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    return a == b


def matches(actual: str, expected: str, language: str) -> bool:
    if language == "text":
        return actual == expected
    expected_lines, actual_lines = expected.split("\n"), actual.split("\n")
    if len(expected_lines) != len(actual_lines):
        return False
    try:
        return all(close(json.loads(e), json.loads(a)) for e, a in zip(expected_lines, actual_lines))
    except json.JSONDecodeError:
        return False


MODEL_URL = re.compile(r"(localhost:8080/v[12]/models/[^\s'\"?]+)(\?[^\s'\"]*)?")


CREATED_WITH_DROPOUT = re.compile(r"/v1/models -H .*\"name\": \"([A-Za-z0-9._-]+)\".*\"type\": \"dropout\"")
MODEL_NAME = re.compile(r"localhost:8080/v[12]/models/([A-Za-z0-9._-]+)")


def consistent(command: str) -> str:
    """Adds consistent=true to each model URL of a curl command."""
    return MODEL_URL.sub(lambda m: m.group(1) + (m.group(2) + "&" if m.group(2) else "?") + "consistent=true", command)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, action="append", help="the server, e.g. http://127.0.0.1:8080; repeat for round-robin")
    parser.add_argument("--consistent", action="store_true", help="read-your-writes on every model URL (?consistent=true)")
    parser.add_argument("--balancer", help="a load balancer in front of the --url replicas, in the round robin for unpinned models")
    parser.add_argument("--token-file", help="sent as a bearer token with every request")
    parser.add_argument("--max-time", type=int, default=60, help="seconds per curl command")
    args = parser.parse_args()

    replicas = [url.removeprefix("http://").rstrip("/") for url in args.url]
    addresses = replicas + ([args.balancer.removeprefix("http://").rstrip("/")] if args.balancer else [])
    balanced = 0
    curl = f"curl -s --max-time {args.max_time} "
    if args.token_file:
        token = Path(args.token_file).read_text().split("\n")[0].strip()
        curl += f"-H {shlex.quote('Authorization: Bearer ' + token)} "
    found = examples(README.read_text())
    pinned: dict[str, str] = {}  # model -> the replica holding its gradients
    if len(found) < 30:
        print(f"walkthrough: only {len(found)} curl examples found in {README}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:  # for any file an example writes
        for number, (command, expected, language) in enumerate(found, 1):
            if args.consistent:
                command = consistent(command)
            model = MODEL_NAME.search(command)
            if model and model.group(1) in pinned:
                address = pinned[model.group(1)]
            else:
                address = addresses[(number - 1) % len(addresses)]
            pins = model.group(1) if model and re.search(r"/(backward|train)\b", command) else None
            created = CREATED_WITH_DROPOUT.search(command)
            pins = created.group(1) if created else pins
            if pins and address not in replicas:  # the balancer cannot promise the same replica next time
                address = replicas[number % len(replicas)]
            if pins:
                pinned[pins] = address
            balanced += address not in replicas
            sent = command.replace("localhost:8080", address).replace("curl -s ", curl)
            run = subprocess.run(["bash", "-o", "pipefail", "-c", sent], cwd=scratch, capture_output=True, text=True,
                                 timeout=2 * args.max_time + 10)
            actual = run.stdout.strip("\n")
            if not matches(actual, expected, language):
                print(f"walkthrough: example {number} differs\n  $ {command}\n  expected: {expected}\n  got:      {actual}"
                      f"\n  curl exit {run.returncode} {run.stderr.strip()}", file=sys.stderr)
                return 1
    through = f" ({balanced} through the balancer)" if args.balancer else ""
    print(f"walkthrough: {len(found)} README curl examples gave the output shown{through}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
