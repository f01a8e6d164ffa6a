#!/usr/bin/env bash
# paramd vs an equivalent FastAPI + uvicorn + PyTorch service (bench/peers/), measured in the
# same run on the same core. One command:   bash bench/service/run.sh
#
# What it does, in order (about 8 minutes once paramd and the peer's venv are built; under 3 with
# BENCH_FAMILIES=""):
#   1. installs wrk and strace if missing, makes the peer's venv from bench/peers/requirements.txt
#      if missing, starts the peer, builds paramd (swift build -c release --product paramd)
#   2. starts paramd and the peer, each pinned to core 0 (taskset), one worker / one thread each,
#      on free localhost ports, each with its own temporary data directory
#   3. correctness before timing: both get the same model and the same weights (PUT), then every
#      benchmarked request is checked against a float64 numpy reference and across servers; then
#      each case's service time: 41 sequential requests from one client, median and minimum
#   4. per case, per server: wrk on core 1, 1 thread, 16 connections, 2 s warm-up (discarded),
#      then 8 s measured as four 2 s rounds alternating paramd, peer, peer, paramd, paramd, peer,
#      peer, paramd, so drift and bursts in what else the machine runs hit both servers alike
#   5. before the PATCH case, the fsync probe: raw fsync rate and durable-replace rate on the disk;
#      after it, untimed, strace counts each server's fsyncs and renames over 20 sequential PATCHes
#   6. prints the table; a trap stops both servers and removes the temporary files
#   6b. CPU per request one at a time (floor.py, both servers, measured before the load), paramd's
#      batch-1 CPU per JSON forward (short compact and Python-default bodies), and the floor of a
#      Python-default JSON forward with the ratio it allows (ceiling.py)
#   7. the Open Inference Protocol cases (oip_vs_raw.sh): binary /v2 infer against /v1 forward with
#      raw float32 on the same paramd, batch 64 and 256, interleaved rounds (about 40 s more)
#
# Knobs (environment): BENCH_DURATION (8), BENCH_ROUNDS (4), BENCH_WARMUP (2), BENCH_CONNECTIONS (16),
#   BENCH_SERVER_CORE (0), BENCH_CLIENT_CORE (1), BENCH_NICE (-10), BENCH_PARAMD_STANDIN=1 (a second peer plays
#   paramd: proves the harness without paramd), BENCH_SKIP_BUILD=1 (use the existing binary),
#   BENCH_PARAMD_BIN=/path/to/paramd (benchmark that binary instead of building),
#   BENCH_PEER_VENV (default bench/peers/.venv), BENCH_FAMILIES (client payload families to time
#   besides the headline Python float32 bodies; "" for none).
# Exit status: 0 when every correctness check passed, 1 when one failed, 2 on a setup error.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/service"
# shellcheck source=bench/service/settings.sh
source "$HERE/settings.sh"
STANDIN=${BENCH_PARAMD_STANDIN:-0}
# Client payload families timed beside the headline forward bodies (workload.FAMILIES); set
# BENCH_FAMILIES="" to skip them (each adds two cases of warm-up + duration per server).
FAMILIES=${BENCH_FAMILIES-short-compact python-compact javascript pretty integers orjson}
VENV=${BENCH_PEER_VENV:-$ROOT/bench/peers/.venv}
PY="$VENV/bin/python"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/paramd-bench.XXXXXX")
# shellcheck source=bench/service/servers.sh
source "$HERE/servers.sh"

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

# ---- 1. tools, peer, paramd ---------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    say "installing wrk"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if ! command -v strace >/dev/null; then
    say "installing strace (counts the fsyncs behind acknowledged writes)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null
fi
if ! "$PY" -c 'import torch, fastapi, uvicorn, uvloop, httptools, orjson, numpy' 2>/dev/null; then
    say "creating the peer's venv at $VENV (torch from the local wheel folder)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/bench/peers/requirements.txt" || die "pip install failed"
fi

# ---- 2. servers -------------------------------------------------------------------------
say "workload"
"$PY" "$HERE/workload.py" "$WORK/bodies"
PEER_PORT=$(free_port)
mkdir -p "$WORK/peer-data" "$WORK/paramd-data"
start_peer "$PEER_PORT" "$WORK/peer-data" "$WORK/peer.log"
SERVER_PIDS+=($!); PEER_PID=$!
PEER_URL="http://127.0.0.1:$PEER_PORT"

# The peer imports torch meanwhile (it takes seconds), so building paramd costs less wall time.
say "preparing paramd (release build, unless told otherwise)"
PARAMD_STATUS=ok
PARAMD_BIN=""
if [[ $STANDIN == 1 ]]; then
    PARAMD_STATUS=standin
elif [[ -n ${BENCH_PARAMD_BIN:-} ]]; then
    PARAMD_BIN=$BENCH_PARAMD_BIN
    [[ -x $PARAMD_BIN ]] || PARAMD_STATUS="no binary at $PARAMD_BIN"
elif ! command -v swift >/dev/null; then
    PARAMD_STATUS="no swift toolchain on PATH to build it"
elif [[ ${BENCH_SKIP_BUILD:-0} != 1 ]] && ! (cd "$ROOT" && swift build -c release --product paramd \
        >"$WORK/build.log" 2>&1); then
    PARAMD_STATUS="release build failed: $(grep -m1 'error:' "$WORK/build.log" || tail -n1 "$WORK/build.log")"
else
    PARAMD_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd"
    [[ -x $PARAMD_BIN ]] || PARAMD_STATUS="no binary at $PARAMD_BIN"
fi

PARAMD_URL=""
if [[ $PARAMD_STATUS == ok || $PARAMD_STATUS == standin ]]; then
    PARAMD_PORT=$(free_port)
    if [[ $PARAMD_STATUS == standin ]]; then
        start_peer "$PARAMD_PORT" "$WORK/paramd-data" "$WORK/paramd.log"
    else
        start_paramd "$PARAMD_PORT" "$WORK/paramd-data" "$WORK/paramd.log"
    fi
    SERVER_PIDS+=($!); PARAMD_PID=$!
    PARAMD_URL="http://127.0.0.1:$PARAMD_PORT"
fi
wait_healthy "$PEER_URL" "$PEER_PID" 60 || { cat "$WORK/peer.log" >&2; die "the peer did not start"; }
if [[ -n $PARAMD_URL ]] && ! wait_healthy "$PARAMD_URL" "$PARAMD_PID" 20; then
    if kill -0 "$PARAMD_PID" 2>/dev/null; then
        PARAMD_STATUS="running but /healthz did not answer 200 within 20 s"
    else
        PARAMD_STATUS="the binary exited without serving; its last output: $(tail -n 2 "$WORK/paramd.log" | tr '\n' ' ')"
    fi
    PARAMD_URL=""
fi
say "peer $PEER_URL (pid $PEER_PID); paramd ${PARAMD_URL:-unavailable: $PARAMD_STATUS}"

# ---- 3. correctness -----------------------------------------------------------------------
CHECK_STATUS=0
(cd "$HERE" && "$PY" check.py "$WORK/bodies" ${PARAMD_URL:+"$PARAMD_URL"} "$PEER_URL") || CHECK_STATUS=1

# Service time: one client, sequential requests (nothing queues), after the checks warmed both.
for server in paramd peer; do
    if [[ $server == paramd ]]; then url=$PARAMD_URL; else url=$PEER_URL; fi
    [[ -n $url ]] || continue
    "${PRIORITY[@]}" taskset -c "$CLIENT_CORE" "$PY" "$HERE/service_time.py" "$WORK" "$server" "$url" 41 ||
        say "service-time probe failed for $server"
done

# CPU per request with nothing queued (floor.py: one connection, sequential, each server's
# schedstat), and paramd's JSON parse alone on the same bodies (JSONBench file, same core): the
# parts of the floor that ceiling.py prints with the report.
FLOOR_STATUS=ok
if [[ $PARAMD_STATUS == ok && -n $PARAMD_URL ]]; then
    say "CPU per request, one at a time (floor.py), and paramd's parse alone (JSONBench)"
    for server in paramd peer; do
        if [[ $server == paramd ]]; then url=$PARAMD_URL pid=$PARAMD_PID; else url=$PEER_URL pid=$PEER_PID; fi
        (cd "$HERE" && "${PRIORITY[@]}" taskset -c "$CLIENT_CORE" "$PY" floor.py "$WORK/bodies" "$url" "$pid" 201 \
            "$WORK/floor-$server.json" >"$WORK/floor-$server.txt") || FLOOR_STATUS="floor.py failed for $server"
    done
    JSONBENCH="$(dirname "$PARAMD_BIN")/JSONBench"
    if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${BENCH_PARAMD_BIN:-} ]]; then
        (cd "$ROOT" && swift build -c release --product JSONBench >>"$WORK/build.log" 2>&1) || FLOOR_STATUS="JSONBench build failed"
    fi
    for tag in b1 b64; do
        [[ -x $JSONBENCH ]] || { FLOOR_STATUS="no JSONBench beside $PARAMD_BIN"; break; }
        "${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$JSONBENCH" file "$WORK/bodies/forward-$tag.json" 200 |
            sed -n 's/.* \([0-9.]*\) ns\/number.*/\1/p' >"$WORK/parse-$tag.txt"
    done
else
    FLOOR_STATUS="paramd unavailable"
fi

# ---- 4. load --------------------------------------------------------------------------------
run_wrk() {  # server url-path seconds result-file(optional) ; case settings in BENCH_* env
    local url=$PEER_URL
    [[ $1 == paramd ]] && url=$PARAMD_URL
    BENCH_RESULT_FILE="$4" BENCH_LABEL="$1/$CASE" "${PRIORITY[@]}" taskset -c "$CLIENT_CORE" \
        wrk -t1 -c"$CONNECTIONS" -d"$3" --timeout 10s -s "$HERE/request.lua" "$url$2" >>"$WORK/wrk.txt"
}

bench_case() {  # name url-path method body-file content-type accept tensor-shape
    CASE=$1
    export BENCH_METHOD=$3 BENCH_BODY_FILE=$4 BENCH_CONTENT_TYPE=$5 BENCH_ACCEPT=$6 BENCH_TENSOR_SHAPE=$7
    local server slice round
    slice=$(awk -v d="$DURATION" -v r="$ROUNDS" 'BEGIN { printf "%.3gs", d / r }')
    local -a order=(peer)
    if [[ -n $PARAMD_URL ]]; then   # ABBA BAAB ...: drift and bursts of other load hit both alike
        order=()
        for ((round = 0; round < ROUNDS; round++)); do
            if ((round % 2 == 0)); then order+=(paramd peer); else order+=(peer paramd); fi
        done
    fi
    for server in "${order[@]}"; do
        if [[ ! -e $WORK/warm-$server-$CASE ]]; then
            run_wrk "$server" "$2" "${WARMUP}s" ""; touch "$WORK/warm-$server-$CASE"
        fi
        if [[ -n $PARAMD_URL ]]; then
            run_wrk "$server" "$2" "$slice" "$WORK/results.jsonl"
        else
            run_wrk "$server" "$2" "${DURATION}s" "$WORK/results.jsonl"
        fi
    done
}
B="$WORK/bodies"
JSON=application/json
OCTET=application/octet-stream
say "load: ${WARMUP}s warm-up + ${DURATION}s per case and server, $CONNECTIONS connections, wrk on core $CLIENT_CORE"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
bench_case get /v1/models/mlp/parameters/4.weight GET "" "" "" ""
bench_case fwd_b1 /v1/models/mlp/forward POST "$B/forward-b1.json" $JSON "" ""
bench_case fwd_b64 /v1/models/mlp/forward POST "$B/forward-b64.json" $JSON "" ""
bench_case fwd_b256 /v1/models/mlp/forward POST "$B/forward-b256.f32" $OCTET $OCTET "256,784"
# The other client payload families (bench/JSONBench/payloads.py) with the same inputs.
for family in $FAMILIES; do
    for batch in b1 b64; do
        bench_case "fwd_${family}_$batch" /v1/models/mlp/forward POST "$B/forward-$family-$batch.json" $JSON "" ""
    done
done
# What bounds a durable write, measured on the same disk right before the PATCH case (the disk
# is shared with the rest of the machine, so its rate drifts within minutes).
STATE_BYTES=$(stat -c %s "$WORK/peer-data/mlp/state.pt")
"${PRIORITY[@]}" "$PY" "$HERE/fsync_probe.py" "$WORK/probe" "$STATE_BYTES" 2 >"$WORK/probe.json"
bench_case patch /v1/models/mlp/parameters/4.weight PATCH "$B/patch.json" $JSON "" ""
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Untimed: does an acknowledged PATCH reach the disk? Count sync calls over 20 sequential PATCHes.
for server in paramd peer; do
    if [[ $server == paramd ]]; then url=$PARAMD_URL pid=${PARAMD_PID:-}; else url=$PEER_URL pid=$PEER_PID; fi
    [[ -n $url ]] || continue
    "$PY" "$HERE/durability.py" "$url" "$pid" /v1/models/mlp/parameters/4.weight "$B/patch.json" 20 \
        >"$WORK/durability-$server.json" || echo '{}' >"$WORK/durability-$server.json"
done

# ---- 5. report ------------------------------------------------------------------------------
echo
echo "paramd vs FastAPI+uvicorn+PyTorch peer — MLP 784-256-256-10 relu; both servers on core $SERVER_CORE,"
echo "wrk -t1 -c$CONNECTIONS on core $CLIENT_CORE, ${WARMUP}s warm-up + ${DURATION}s per row;" \
     "load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
echo
"$PY" "$HERE/report.py" "$WORK/results.jsonl" "$WORK/probe.json" "$PARAMD_STATUS" "$WORK"

echo
if [[ $FLOOR_STATUS == ok ]]; then
    for server in paramd peer; do
        echo "$server, one request at a time from core $CLIENT_CORE (min and median round trip, server CPU per request):"
        cat "$WORK/floor-$server.txt"
        echo
    done
    echo "paramd's parse alone, Python-default body: $(cat "$WORK/parse-b1.txt") ns/number at batch 1," \
         "$(cat "$WORK/parse-b64.txt") at batch 64 (JSONBench file, core $SERVER_CORE, best of 200)"
    (cd "$HERE" && "$PY" ceiling.py "$WORK/floor-paramd.json" "$WORK/floor-peer.json" "$(cat "$WORK/parse-b1.txt")" \
        "$(cat "$WORK/parse-b64.txt")")
else
    echo "CPU per request and floor: not measured ($FLOOR_STATUS)"
fi

# Open Inference Protocol: binary /v2 infer against /v1 forward with raw float32 on the same
# paramd, batch 64 and 256 (oip_vs_raw.sh; it checks /v2 gives /v1's bits first).
if [[ $PARAMD_STATUS == ok && -n $PARAMD_URL ]]; then
    echo
    BENCH_PARAMD_URL=$PARAMD_URL BENCH_PARAMD_PID=$PARAMD_PID BENCH_WORK=$WORK BENCH_PYTHON=$PY \
        bash "$HERE/oip_vs_raw.sh" || CHECK_STATUS=1
fi
if ((CHECK_STATUS != 0)); then
    echo
    echo "CORRECTNESS CHECKS FAILED (see 'FAIL' lines above): figures for a failing server are not comparable."
fi
exit "$CHECK_STATUS"
