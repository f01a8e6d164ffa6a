#!/usr/bin/env bash
# What a second event loop costs the first, at equal load (issue #12's two-loop target).
#
# This machine has two cores and wrk needs one, so two loops cannot both be saturated here, and
# a loop's CPU per request falls as its load rises (each epoll turn serves more requests, fewer
# wake-ups per request): comparing a saturated lone loop with a half-loaded loop beside another
# overstates what the second loop costs. So this script measures, with logging off and wrk on
# core 1:
#   - one loop on core 0 at a ladder of loads (1 to 256 connections): requests/s, the share of
#     the core it used, CPU µs per request;
#   - two loops, loop 0 pinned to core 0 (to itself), loop 1 to core 1 (shared with wrk), at 256
#     connections: loop 0's own requests/s, core share and CPU µs per request, from its
#     thread's CPU time and `paramd_event_loop_requests_total{loop="0"}`;
#   - the lone loop's CPU per request at loop 0's rate (interpolated on the ladder), and their
#     ratio: what running beside another loop costs loop 0 per request, at the same load.
# If that ratio is r, two loops on two free cores, each saturated, serve 2 / r times one loop's
# rate (capped at 2): the projection printed last. For GET /healthz, by loop 0's thread; for
# the batch-1 JSON forward by the whole process (a joint pass over the loop's budget runs on
# the pool, whose threads no loop's CPU time includes) and every loop's requests, the
# two-loop server against the lone loop at the same total rate.
#   bash bench/http/loop-scaling.sh            (DURATION=5, PARAMD_BINARY to run another build)
# Needs wrk, python3, a release build (made here unless PARAMD_BINARY names one).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-5}"
PORT="${OUR_PORT:-18485}"
source bench/http/common.sh
paramd="$(paramd_binary)"
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

python3 -c 'import json, random; random.seed(0); print(json.dumps({"inputs": [[round(random.uniform(-1, 1), 6) for _ in range(784)]]}))' >"$work/forward.json"
mlp='{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}'

# Starts paramd with $1 loops, logging off, each loop thread pinned to its own core.
start() {
    rm -rf "$work/data"
    taskset -c 0,1 "$paramd" --port "$PORT" --data-dir "$work/data" --threads "$1" --access-log off 2>"$work/paramd.log" &
    server=$!
    wait_for_port "$PORT" /healthz
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models" -H 'Content-Type: application/json' -d "$mlp"
    for loop in $(seq 0 $(($1 - 1))); do taskset -pc "$loop" "$(loop_thread "$server" "$loop")" >/dev/null; done
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# CPU ticks and requests served of what case $1 measures: loop 0's thread and its requests for
# healthz; the whole process and every loop's requests for the forward.
ticks_of() { if [ "$1" = healthz ]; then thread_ticks "$server" "$(loop_thread "$server" 0)"; else cpu_ticks "$server"; fi; }
served_by() {
    if [ "$1" = healthz ]; then loop_requests "$PORT" 0; else echo $(($(loop_requests "$PORT" 0) + $(loop_requests "$PORT" 1))); fi
}

# Case $1 under wrk with $2 connections: "requests/s core-share µs/request" of what it measures.
load() {
    local case="$1" connections="$2" url="http://127.0.0.1:$PORT/healthz" script=()
    if [ "$case" = forward ]; then
        url="http://127.0.0.1:$PORT/v1/models/mlp/forward"
        script=(-s bench/service/request.lua)
        export BENCH_METHOD=POST BENCH_BODY_FILE="$work/forward.json" BENCH_CONTENT_TYPE=application/json
    fi
    taskset -c 1 wrk -t1 -c"$connections" -d1s "${script[@]}" "$url" >/dev/null
    local ticks served started
    ticks="$(ticks_of "$case")" served="$(served_by "$case")" started="$(date +%s.%N)"
    taskset -c 1 wrk -t1 -c"$connections" -d"${DURATION}s" "${script[@]}" "$url" >/dev/null
    awk -v t="$(($(ticks_of "$case") - ticks))" -v r="$(($(served_by "$case") - served))" \
        -v s="$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.0f %.2f %.2f\n", r / s, t / hz / s, (r > 0 ? t * 1e6 / hz / r : 0) }'
}

for case in healthz forward; do
    echo "== $case: one loop on core 0, logging off, wrk on core 1 ($([ "$case" = healthz ] && echo "the loop thread" || echo "the whole process"))"
    printf "  %-12s %10s %6s %8s\n" connections "req/s" busy "µs/req"
    start 1
    : >"$work/ladder"
    for connections in 1 2 4 8 16 64 256; do
        read -r rate busy us <<<"$(load "$case" "$connections")"
        printf "  %-12s %10s %6s %8s\n" "$connections" "$rate" "$busy" "$us"
        echo "$rate $us" >>"$work/ladder"
    done
    stop
    start 2
    read -r rate busy us <<<"$(load "$case" 256)"
    stop
    if [ "$case" = healthz ]; then
        echo "  two loops, 256 connections: loop 0 (core 0 to itself) $rate req/s, busy $busy, $us µs/req"
    else
        echo "  two loops, 256 connections: the server $rate req/s, $busy cores, $us µs/req (loop 1 shares core 1 with wrk)"
    fi
    sort -n "$work/ladder" | awk -v rate="$rate" -v us="$us" '
        { r[NR] = $1; u[NR] = $2 }
        END {
            # The lone loop at loop 0 rate: linear between the two ladder steps around it.
            if (rate <= r[1]) alone = u[1]
            else if (rate >= r[NR]) alone = u[NR]
            else for (i = 2; i <= NR; i++) if (rate <= r[i]) {
                alone = u[i - 1] + (u[i] - u[i - 1]) * (rate - r[i - 1]) / (r[i] - r[i - 1]); break
            }
            ratio = us / alone
            projected = 2 / ratio; if (projected > 2) projected = 2
            printf "  a lone loop at %.0f req/s: %.2f µs/req; two loops / lone loop, same load: %.2f\n", rate, alone, ratio
            printf "  projected two-loop speed-up on two free cores, both saturated: 2 / %.2f = %.2f (capped at 2; target >= 1.8)\n", ratio, projected
            if (rate >= r[NR]) print "  (beyond the heaviest step of the ladder: compared with the lone loop saturated)"
        }'
done
