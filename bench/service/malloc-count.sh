#!/usr/bin/env bash
# libc mallocs per request of a batch-1 JSON forward (the Python-default float32 body, 16 kB) and of
# GET /healthz, per paramd build: a `probe_libc:malloc` uprobe counted by `perf stat` while wrk
# (core 1) drives paramd (`--threads 1 --access-log off`, core 0), over the requests wrk completed.
# With 1 connection every request is alone in its pass; with 16 a pass's allocations are shared.
#   bash bench/service/malloc-count.sh                       (release build of this tree)
#   PARAMD_BINARIES="/old/paramd /new/paramd" bash bench/service/malloc-count.sh
# Needs perf with the uprobe defined once: perf probe -x /lib/x86_64-linux-gnu/libc.so.6 malloc
set -euo pipefail
DURATION=${DURATION:-3}
PORT=${PORT:-18594}
source "$(dirname "$0")/forward-setup.sh"
perf probe -l 2>/dev/null | grep -q probe_libc:malloc || { echo "malloc-count: define the uprobe first (see above)" >&2; exit 2; }

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
    start "${binaries[$b]}"
    export BENCH_METHOD=GET
    unset BENCH_BODY_FILE
    printf "%-3s %-44s %12s %12s\n" "$b" "GET /healthz" "$(count /healthz 1)" "$(count /healthz 16)"
    export BENCH_METHOD=POST BENCH_BODY_FILE=$work/python.json BENCH_CONTENT_TYPE=application/json
    printf "%-3s %-44s %12s %12s\n" "$b" "batch-1 forward, Python-default body" "$(count /v1/models/mlp/forward 1)" \
        "$(count /v1/models/mlp/forward 16)"
    stop
done
