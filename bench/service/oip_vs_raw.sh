#!/usr/bin/env bash
# Open Inference Protocol binary infer against /v1 forward with raw float32, on one paramd, at
# batch 64 and 256 (MLP 784-256-256-10). Target: /v2's request rate within 10% of /v1's.
#
#   bash bench/service/oip_vs_raw.sh            builds a release paramd, starts it, measures
#   (bench/service/run.sh runs it too, against the paramd it already started)
#
# Both routes hit the same server in the same run: per batch, a 2 s warm-up per route, then
# BENCH_ROUNDS rounds of BENCH_DURATION / BENCH_ROUNDS seconds alternating raw, oip, oip, raw, ...
# so drift and bursts of other load hit both alike. Then the server's CPU time per request of each
# route with nothing queued (one connection, alternating blocks, /proc/PID/task/*/schedstat), which
# a noisy machine disturbs far less than the request rate. Before timing, /v2's output bytes must
# equal /v1's for each batch.
#
# Knobs: BENCH_DURATION (8), BENCH_ROUNDS (4), BENCH_WARMUP (2), BENCH_CONNECTIONS (16),
#   BENCH_SERVER_CORE (0), BENCH_CLIENT_CORE (1), BENCH_NICE (-10), BENCH_PARAMD_BIN, BENCH_SKIP_BUILD=1,
#   BENCH_PYTHON (python3; needs numpy and orjson). Set by run.sh: BENCH_PARAMD_URL, BENCH_PARAMD_PID,
#   BENCH_WORK (its work directory, with bodies/ from workload.py and the model already loaded).
# Exit status: 0 when the outputs matched, 1 when they did not, 2 on a setup error.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/service"
# shellcheck source=bench/service/settings.sh
source "$HERE/settings.sh"
PY=${BENCH_PYTHON:-python3}
die() { printf 'oip bench: %s\n' "$*" >&2; exit 2; }

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

OWN_SERVER=0
if [[ -n ${BENCH_PARAMD_URL:-} ]]; then
    URL=$BENCH_PARAMD_URL PID=$BENCH_PARAMD_PID WORK=$BENCH_WORK
    rm -f "$WORK/oip-results.jsonl"
else
    OWN_SERVER=1
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/paramd-oip-bench.XXXXXX")
    trap 'kill "${PID:-}" 2>/dev/null || true; wait "${PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
    BIN=${BENCH_PARAMD_BIN:-}
    if [[ -z $BIN ]]; then
        if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
            (cd "$ROOT" && swift build -c release --product paramd >"$WORK/build.log" 2>&1) || die "release build failed (see $WORK/build.log)"
        fi
        BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd"
    fi
    [[ -x $BIN ]] || die "no paramd binary at $BIN"
    "$PY" "$HERE/workload.py" "$WORK/bodies"
    PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$WORK/data"
    "${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$BIN" --host 127.0.0.1 --port "$PORT" --data-dir "$WORK/data" \
        --threads 1 --log-level warning >"$WORK/paramd.log" 2>&1 &
    PID=$!
    URL="http://127.0.0.1:$PORT"
    for _ in $(seq 1 100); do curl -sf -o /dev/null "$URL/readyz" && break; sleep 0.1; done
    curl -sf -o /dev/null "$URL/readyz" || die "paramd did not start: $(tail -n 2 "$WORK/paramd.log")"
    (cd "$HERE" && "$PY" check.py "$WORK/bodies" "$URL" >/dev/null) || die "could not load the model and weights"
fi

echo "== /v2 infer vs /v1 forward on $URL: correctness"
"$PY" "$HERE/oip_vs_raw.py" check "$WORK" "$URL" || exit 1

run_wrk() {  # route tag seconds record(0|1)
    local path file
    if [[ $1 == raw ]]; then
        path=/v1/models/mlp/forward file="$WORK/bodies/forward-$2.f32"
        export BENCH_CONTENT_TYPE=application/octet-stream BENCH_ACCEPT=application/octet-stream
        export BENCH_TENSOR_SHAPE="${2#b},784" BENCH_INFERENCE_HEADER_LENGTH=""
    else
        path=/v2/models/mlp/infer file="$WORK/bodies/infer-$2.bin"
        export BENCH_CONTENT_TYPE="" BENCH_ACCEPT="" BENCH_TENSOR_SHAPE=""
        BENCH_INFERENCE_HEADER_LENGTH=$(cat "$WORK/bodies/infer-$2.length")
        export BENCH_INFERENCE_HEADER_LENGTH
    fi
    local result=""
    [[ $4 == 1 ]] && result="$WORK/oip-results.jsonl"
    BENCH_METHOD=POST BENCH_BODY_FILE=$file BENCH_RESULT_FILE=$result BENCH_LABEL="$1/$2" \
        "${PRIORITY[@]}" taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"$3" --timeout 10s \
        -s "$HERE/request.lua" "$URL$path" >>"$WORK/oip-wrk.txt"
}

slice=$(awk -v d="$DURATION" -v r="$ROUNDS" 'BEGIN { printf "%.3gs", d / r }')
echo "== load: ${WARMUP}s warm-up + ${DURATION}s per route and batch in $ROUNDS interleaved rounds, $CONNECTIONS connections"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for tag in b64 b256; do
    run_wrk raw "$tag" "${WARMUP}s" 0
    run_wrk oip "$tag" "${WARMUP}s" 0
    for ((round = 0; round < ROUNDS; round++)); do
        if ((round % 2 == 0)); then order=(raw oip); else order=(oip raw); fi
        for route in "${order[@]}"; do run_wrk "$route" "$tag" "$slice" 1; done
    done
done
echo
echo "paramd /v2 binary infer vs /v1 raw forward, MLP 784-256-256-10; server on core $SERVER_CORE$([[ $OWN_SERVER == 1 ]] && echo ' (--threads 1)'),"
echo "wrk -t1 -c$CONNECTIONS on core $CLIENT_CORE; load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$PY" "$HERE/oip_vs_raw.py" report "$WORK"
"${PRIORITY[@]}" taskset -c "$CLIENT_CORE" "$PY" "$HERE/oip_vs_raw.py" cpu "$WORK" "$URL" "$PID"
