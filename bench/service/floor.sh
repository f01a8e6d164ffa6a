#!/usr/bin/env bash
# The floor of a JSON forward request and where the time goes, paramd beside the FastAPI +
# uvicorn + PyTorch peer, each on core 0 with one worker (as run.sh runs them), driven one request
# at a time from core 1 (floor.py): round trip and server CPU per request for the Python-default
# JSON body and for the same batch as raw float32, batch 1 and 64, and an empty exchange; then
# paramd's JSON parse alone per body (JSONBench file) and its bare forward (nn-bench).
#   bash bench/service/floor.sh          (needs paramd's release build and run.sh's peer venv)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/service"
# shellcheck source=bench/service/settings.sh
source "$HERE/settings.sh"
PY=${BENCH_PEER_VENV:-$ROOT/bench/peers/.venv}/bin/python
BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)
PARAMD_BIN=$BIN/paramd
WORK=$(mktemp -d "${TMPDIR:-/tmp}/paramd-floor.XXXXXX")
# shellcheck source=bench/service/servers.sh
source "$HERE/servers.sh"

"$PY" "$HERE/workload.py" "$WORK/bodies"
mkdir -p "$WORK/paramd-data" "$WORK/peer-data"
PARAMD_PORT=$(free_port)
start_paramd "$PARAMD_PORT" "$WORK/paramd-data" "$WORK/paramd.log"
SERVER_PIDS+=($!); PARAMD_PID=$!
PEER_PORT=$(free_port)
start_peer "$PEER_PORT" "$WORK/peer-data" "$WORK/peer.log"
SERVER_PIDS+=($!); PEER_PID=$!
wait_healthy "http://127.0.0.1:$PARAMD_PORT" "$PARAMD_PID" 20 || { echo "floor: paramd did not start" >&2; exit 2; }
wait_healthy "http://127.0.0.1:$PEER_PORT" "$PEER_PID" 60 || { echo "floor: the peer did not start" >&2; exit 2; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for server in paramd peer; do
    if [[ $server == paramd ]]; then port=$PARAMD_PORT pid=$PARAMD_PID; else port=$PEER_PORT pid=$PEER_PID; fi
    echo; echo "== $server, one request at a time"
    "${PRIORITY[@]}" taskset -c "$CLIENT_CORE" "$PY" "$HERE/floor.py" "$WORK/bodies" "http://127.0.0.1:$port" "$pid"
done
echo; echo "== paramd's JSON parse alone (JSONBench file, core $SERVER_CORE, best of 200)"
(cd "$ROOT" && swift build -c release --product JSONBench >/dev/null && swift build -c release --product nn-bench >/dev/null)
for tag in b1 b64; do
    printf '%-4s ' "$tag"; "${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$BIN/JSONBench" file "$WORK/bodies/forward-$tag.json" 200
done
echo; echo "== paramd's forward, bare kernels and Model (nn-bench, core $SERVER_CORE)"
"${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$BIN/nn-bench" | grep -E "case|forward"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
