#!/usr/bin/env bash
# libc mallocs per request of a batch-1 JSON forward (the Python-default float32 body, 16 kB) and of
# GET /healthz, per paramd build: a `probe_libc:malloc` uprobe counted by `perf stat` while wrk
# (core 1) drives paramd (`--threads 1 --access-log off`, core 0), over the requests wrk completed.
# With 1 connection every request is alone in its pass; with 16 a pass's allocations are shared.
#   bash bench/service/malloc-count.sh                       (release build of this tree)
#   PARAMD_BINARIES="/old/paramd /new/paramd" bash bench/service/malloc-count.sh
# Needs perf with the uprobe defined once: perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-3}
PORT=${PORT:-18594}
if [[ -z ${PARAMD_BINARIES:-} ]]; then
    (cd "$ROOT" && swift build -c release --product paramd >/dev/null)
    PARAMD_BINARIES="$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd"
fi
read -r -a binaries <<<"$PARAMD_BINARIES"
perf probe -l 2>/dev/null | grep -q probe_libc:malloc || { echo "malloc-count: define the uprobe first (see above)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/paramd-malloc-count.XXXXXX")
server=""
cleanup() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
python3 -c 'import json, numpy as np; rows = np.random.default_rng(0).uniform(-1, 1, (1, 784)); print(json.dumps({"inputs": rows.astype(np.float32).tolist()}))' >"$work/python.json"
mlp='{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}'

# Prints mallocs per request for one case.
count() {
    local path=$1 connections=$2
    local url="http://127.0.0.1:$PORT$path"
    taskset -c 1 wrk -t1 -c"$connections" -d1s -s "$ROOT/bench/service/request.lua" "$url" >/dev/null
    perf stat -x, -e probe_libc:malloc -p "$server" -o "$work/stat" &
    local stat=$!
    sleep 0.2
    taskset -c 1 wrk -t1 -c"$connections" -d"${DURATION}s" -s "$ROOT/bench/service/request.lua" "$url" >"$work/wrk.out"
    kill -INT "$stat"
    wait "$stat" 2>/dev/null || true
    local mallocs requests
    mallocs=$(awk -F, '/probe_libc:malloc/ { print $1 }' "$work/stat")
    requests=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
    awk -v m="$mallocs" -v n="$requests" 'BEGIN { printf "%.1f", m / n }'
}

printf "%-3s %-44s %12s %12s\n" bin case "-c1" "-c16"
for b in "${!binaries[@]}"; do
    rm -rf "$work/data"
    flags=(--port "$PORT" --data-dir "$work/data" --threads 1)
    if "${binaries[$b]}" --help 2>&1 | grep -q -- --access-log; then flags+=(--access-log off); else flags+=(--log-level warning); fi
    taskset -c 0 "${binaries[$b]}" "${flags[@]}" 2>"$work/paramd.log" &
    server=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models" -H 'Content-Type: application/json' -d "$mlp"
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models/mlp/forward" -H 'Content-Type: application/json' -d @"$work/python.json"
    export BENCH_METHOD=GET
    unset BENCH_BODY_FILE
    printf "%-3s %-44s %12s %12s\n" "$b" "GET /healthz" "$(count /healthz 1)" "$(count /healthz 16)"
    export BENCH_METHOD=POST BENCH_BODY_FILE=$work/python.json BENCH_CONTENT_TYPE=application/json
    printf "%-3s %-44s %12s %12s\n" "$b" "batch-1 forward, Python-default body" "$(count /v1/models/mlp/forward 1)" \
        "$(count /v1/models/mlp/forward 16)"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
done
