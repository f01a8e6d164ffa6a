#!/usr/bin/env bash
# Where paramd's time goes in each benchmark case: runs the release binary pinned to core 0
# under the same wrk load as run.sh (core 1, 16 connections) and prints the hottest symbols of
# a perf profile per case. Answers "what bounds this figure" (JSON float parsing, gemm, fsync,
# checksums...). About 45 s; needs perf (Debian: linux-perf) and a built release binary.
#
#   bash bench/service/profile.sh [path/to/paramd]      (default: the release build's binary)
#   PROFILE_TOP=20 shows more symbols per case; PROFILE_KEEP=DIR keeps the perf.data files.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/service"
PY=${BENCH_PEER_VENV:-$ROOT/bench/peers/.venv}/bin/python
BIN=${1:-$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd}
command -v perf >/dev/null || { echo "profile: perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "profile: no paramd binary at $BIN" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/paramd-profile.XXXXXX")
PID=""
cleanup() {
    [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    if [[ -n ${PROFILE_KEEP:-} ]]; then mkdir -p "$PROFILE_KEEP" && cp "$WORK"/*.data "$PROFILE_KEEP"/ 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" "$HERE/workload.py" "$WORK/bodies"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
taskset -c 0 "$BIN" --host 127.0.0.1 --port "$PORT" --data-dir "$WORK/data" --threads 1 \
    --log-level warning >"$WORK/paramd.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$URL/healthz" && break; sleep 0.1; done
(cd "$HERE" && "$PY" check.py "$WORK/bodies" "$URL") | tail -n 1

B="$WORK/bodies"
profile() {  # name url-path; the request itself comes from BENCH_* variables
    taskset -c 1 wrk -t1 -c16 -d6s --timeout 10s -s "$HERE/request.lua" "$URL$2" >"$WORK/wrk-$1.txt" &
    local load=$!
    sleep 1
    perf record -q -F 999 -g -p "$PID" -o "$WORK/$1.data" -- sleep 4 >/dev/null 2>&1 || true
    wait "$load"
    echo "== $1: $(grep -m1 'Requests/sec' "$WORK/wrk-$1.txt")"
    perf report -i "$WORK/$1.data" --no-children --sort symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -n ${PROFILE_TOP:-8} | cut -c1-140 | sed -E 's/ +$//' >"$WORK/$1.top" || true
    if [[ -s $WORK/$1.top ]]; then cat "$WORK/$1.top"; else echo "   (perf recorded no samples this time; rerun)"; fi
}
BENCH_METHOD=GET profile get /v1/models/mlp/parameters/4.weight
BENCH_METHOD=POST BENCH_BODY_FILE=$B/forward-b1.json BENCH_CONTENT_TYPE=application/json \
    profile fwd_b1 /v1/models/mlp/forward
BENCH_METHOD=POST BENCH_BODY_FILE=$B/forward-b64.json BENCH_CONTENT_TYPE=application/json \
    profile fwd_b64 /v1/models/mlp/forward
BENCH_METHOD=POST BENCH_BODY_FILE=$B/forward-b256.f32 BENCH_CONTENT_TYPE=application/octet-stream \
    BENCH_ACCEPT=application/octet-stream BENCH_TENSOR_SHAPE=256,784 profile fwd_b256 /v1/models/mlp/forward
BENCH_METHOD=PATCH BENCH_BODY_FILE=$B/patch.json BENCH_CONTENT_TYPE=application/json \
    profile patch /v1/models/mlp/parameters/4.weight
