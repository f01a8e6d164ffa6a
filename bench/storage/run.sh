#!/usr/bin/env bash
# Storage figures (issue #10), each beside the limit it is held to, measured in the same run on
# the same disk:   bash bench/storage/run.sh
#
# Builds paramd (release) unless BENCH_PARAMD_BIN names a binary, then runs storage_bench.py
# (standard library only) with a temporary data directory under BENCH_WORK_DIR (default
# $TMPDIR or /tmp: put it on the disk you care about). Needs about 5 GB of disk and 7 GB of
# memory; takes a few minutes. Prints four sections: durable PATCH p50 vs a 4 KiB append+fsync
# at 1M/33M/268M parameters; 1 and 16 concurrent writers; peak RSS while serving (and while
# exporting a state dict or an ONNX file) vs 1.25 × N + 64 MB at 134 MB and 1 GB; create, raw
# GET and start-up rates of a 1 GB model and a 1 GB tensor, each beside its limit measured in
# the same run (a 1 GB write+fsync, a plain loopback sender read by the same curl, a read loop
# over the same files cold and warm) with the ratio. Dropping the page cache needs root.
# BENCH_SECTIONS=3 runs the peak-RSS section alone.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BINARY=${BENCH_PARAMD_BIN:-}
if [[ -z "$BINARY" ]]; then
    (cd "$ROOT" && swift build -c release --product paramd >&2)
    BINARY="$ROOT/.build/release/paramd"
fi
WORK=$(mktemp -d "${BENCH_WORK_DIR:-${TMPDIR:-/tmp}}/paramd-storage-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/storage/storage_bench.py" "$BINARY" "$WORK"
