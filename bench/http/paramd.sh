#!/usr/bin/env bash
# paramd itself against nginx, in one run (bench/http/run.sh runs this by default):
#   - GET /healthz at 16 and 256 connections: paramd with its default access log (stderr, here
#     into a file) against nginx with its default access log (combined format, a file), and
#     both with logging off;
#   - POST /v1/models/mlp/forward, batch 1, JSON, on the 784-256-256-10 MLP: requests/s and
#     CPU µs per request, access log on and off (the log's cost);
#   - two event loops (`--threads 2`, one pinned to each core, wrk sharing core 1): CPU per
#     request over both loops, each loop thread's share, and each loop's own CPU per request it
#     served (`paramd_event_loop_requests_total`), from which the two-core speed-up is projected;
#   - then the issue #12 targets as ratios of this run (req/s and CPU per request).
# Servers are pinned to core 0 (taskset), wrk to core 1 with one thread, as in `run.sh module`.
# `µs/req` is the server's CPU time (user + system, /proc) per request.
# Needs: wrk, nginx (Debian), a release build (made here unless PARAMD_BINARY names one).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-6}"
PORT="${OUR_PORT:-18483}"
NGINX_PORT="${NGINX_PORT:-18484}"

source bench/http/common.sh
paramd="$(paramd_binary)"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The forward's body: one row of 784 inputs.
python3 -c 'import json, random; random.seed(0); print(json.dumps({"inputs": [[round(random.uniform(-1, 1), 6) for _ in range(784)]]}))' > "$work/forward.json"
mlp='{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}'

row() { printf "%-22s %5s  %-26s %9s %8s %8s %8s %8s\n" "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A result
# nginx, access log on and off.
for log in on off; do
    mkdir -p "$work/nginx-$log"
    directive=$([ "$log" = on ] && echo "access_log $work/nginx-$log/access.log;" || echo "access_log off;")
    sed -e "s|__DIR__|$work/nginx-$log|g" -e "s|__PORT__|$NGINX_PORT|g" -e "s|__ACCESS_LOG__|$directive|" \
        bench/http/nginx-healthz.conf.template > "$work/nginx-$log/nginx.conf"
    taskset -c 0 nginx -e "$work/nginx-$log/error.log" -c "$work/nginx-$log/nginx.conf" -p "$work/nginx-$log" &
    pids+=($!)
    wait_for_port "$NGINX_PORT" /healthz
    worker="$(pgrep -P "${pids[-1]}" | head -1)"
    for connections in 16 256; do
        result["nginx-$log:$connections"]="$(measure "http://127.0.0.1:$NGINX_PORT/healthz" "$connections" "" "$worker")"
    done
    kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'
done

# Starts paramd pinned to $1 with extra flags, its stderr (the default access log) in a file.
start_paramd() {
    local cores="$1"; shift
    rm -rf "$work/data"
    taskset -c "$cores" "$paramd" --port "$PORT" --data-dir "$work/data" "$@" 2>"$work/paramd.log" &
    pids+=($!)
    wait_for_port "$PORT" /healthz
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models" -H 'Content-Type: application/json' -d "$mlp"
}
stop_paramd() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }
forward() {
    BENCH_METHOD=POST BENCH_BODY_FILE="$work/forward.json" BENCH_CONTENT_TYPE=application/json \
        measure "http://127.0.0.1:$PORT/v1/models/mlp/forward" "$1" bench/service/request.lua "$2"
}

for log in default off; do
    flags=(--threads 1)
    [ "$log" = off ] && flags+=(--access-log off)
    start_paramd 0 "${flags[@]}"
    loop0="$(loop_thread "${pids[-1]}" 0)"
    for connections in 16 256; do
        ticks_before="$(thread_ticks "${pids[-1]}" "$loop0")" served_before="$(loop_requests "$PORT" 0)"
        result["paramd-$log:$connections"]="$(measure "http://127.0.0.1:$PORT/healthz" "$connections" "" "${pids[-1]}")"
        ticks="$(($(thread_ticks "${pids[-1]}" "$loop0") - ticks_before))" served="$(($(loop_requests "$PORT" 0) - served_before))"
        result["paramd-$log:$connections:loop"]="$(per_request_us "$ticks" "$served")"
    done
    result["forward-$log"]="$(forward 16 "${pids[-1]}")"
    stop_paramd
done
# Two loops on both cores (wrk shares them): the loops' own CPU time per request, thread by thread.
# Each loop thread is then pinned to a core of its own: loop 0 to core 0, which it has to
# itself, loop 1 to core 1, which it shares with wrk. Loop 0's CPU per request it served is what
# a loop costs beside another loop (sharing the server's state across cores), without the
# context switches that sharing a core with the load generator adds to loop 1.
start_paramd 0,1 --threads 2
server_pid="${pids[-1]}"
two_loop_tids=("$(loop_thread "$server_pid" 0)" "$(loop_thread "$server_pid" 1)")
taskset -pc 0 "${two_loop_tids[0]}" >/dev/null
taskset -pc 1 "${two_loop_tids[1]}" >/dev/null
snapshot_threads "$server_pid" > "$work/threads.before"
served_before=("$(loop_requests "$PORT" 0)" "$(loop_requests "$PORT" 1)")
result["two-loops-get"]="$(measure "http://127.0.0.1:$PORT/healthz" 256 "" "$server_pid")"
served_after=("$(loop_requests "$PORT" 0)" "$(loop_requests "$PORT" 1)")
snapshot_threads "$server_pid" > "$work/threads.after"
two_loop_threads="$(busiest_threads "$work/threads.before" "$work/threads.after" 2)"
for loop in 0 1; do
    ticks="$(awk -v tid="${two_loop_tids[$loop]}" 'NR == FNR { before[$1] = $2; next } $1 == tid { print $2 - before[$1] }' \
        "$work/threads.before" "$work/threads.after")"
    result["two-loops-get:loop$loop"]="$(per_request_us "$ticks" "$((served_after[loop] - served_before[loop]))") $((served_after[loop] - served_before[loop]))"
done
result["two-loops-forward"]="$(forward 16 "$server_pid")"
stop_paramd

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on these cores skew req/s; CPU µs/req much less)"
row "case" "conns" "server" "req/s" "p50 ms" "p99 ms" "ratio" "µs/req"
for connections in 16 256; do
    for pair in "nginx-on:paramd-default:access log on (defaults)" "nginx-off:paramd-off:access log off"; do
        IFS=: read -r peer ours label <<<"$pair"
        read -r n_rps n_p50 n_p99 _ n_cpu <<<"${result["$peer:$connections"]}"
        read -r rps p50 p99 _ cpu <<<"${result["$ours:$connections"]}"
        row "GET /healthz" "$connections" "nginx, $label" "$n_rps" "$n_p50" "$n_p99" "1.00" "$n_cpu"
        row "GET /healthz" "$connections" "paramd, $label" "$rps" "$p50" "$p99" "$(ratio "$rps" "$n_rps")" "$cpu"
    done
done
read -r f_off_rps f_off_p50 f_off_p99 _ f_off_cpu <<<"${result["forward-off"]}"
read -r f_on_rps f_on_p50 f_on_p99 _ f_on_cpu <<<"${result["forward-default"]}"
row "forward batch 1" 16 "paramd, access log off" "$f_off_rps" "$f_off_p50" "$f_off_p99" "1.00" "$f_off_cpu"
row "forward batch 1" 16 "paramd, access log on" "$f_on_rps" "$f_on_p50" "$f_on_p99" "$(ratio "$f_on_rps" "$f_off_rps")" "$f_on_cpu"
read -r two_rps two_p50 two_p99 _ two_cpu <<<"${result["two-loops-get"]}"
row "GET /healthz" 256 "paramd, two loops" "$two_rps" "$two_p50" "$two_p99" "-" "$two_cpu"
read -r ftwo_rps ftwo_p50 ftwo_p99 _ ftwo_cpu <<<"${result["two-loops-forward"]}"
row "forward batch 1" 16 "paramd, two loops" "$ftwo_rps" "$ftwo_p50" "$ftwo_p99" "-" "$ftwo_cpu"

# The issue's targets, as ratios of this run. req/s ratios need a quiet machine; CPU µs/req
# ratios (nginx's over paramd's: above 1 means paramd spends less) hold under load.
target() { printf "  %-58s req/s %5s   CPU/req %5s   (target %s)\n" "$1" "$2" "$3" "$4"; }
cells() { read -r a_rps _ a_p99 _ a_cpu <<<"${result["$1"]}"; read -r b_rps _ b_p99 _ b_cpu <<<"${result["$2"]}"; }
echo
echo "targets (ratios of this run):"
for connections in 16 256; do
    cells "paramd-default:$connections" "nginx-on:$connections"
    target "GET /healthz $connections conns, default flags / nginx access log on" "$(ratio "$a_rps" "$b_rps")" "$(ratio "$b_cpu" "$a_cpu")" "≥ 0.90"
    cells "paramd-off:$connections" "nginx-off:$connections"
    target "GET /healthz $connections conns, logging off / nginx logging off" "$(ratio "$a_rps" "$b_rps")" "$(ratio "$b_cpu" "$a_cpu")" "≥ 1.00"
    cells "paramd-default:$connections" "paramd-off:$connections"
    target "GET /healthz $connections conns, default logging / logging off" "$(ratio "$a_rps" "$b_rps")" "$(ratio "$b_cpu" "$a_cpu")" "≥ 0.90"
done
cells forward-default forward-off
target "forward batch 1, default logging / logging off" "$(ratio "$a_rps" "$b_rps")" "$(ratio "$b_cpu" "$a_cpu")" "≥ 0.90"
cells "paramd-default:256" "nginx-on:256"
printf "  %-58s paramd %s ms, nginx %s ms (target: no worse than before; see RESULTS.md)\n" "p99 at 256 conns, default flags" "$a_p99" "$b_p99"
read -r one_cpu <<<"$(cut -d' ' -f5 <<<"${result["paramd-default:256"]}")"
echo "  two loops, GET /healthz 256 conns: CPU µs/req over both loops $two_cpu (one loop: $one_cpu); CPU per loop thread"
echo "  (uneven when one loop shares its core with wrk; connections are spread evenly, see ServerLoopBalanceTests):"
total_ticks="$(awk '{ sum += $2 } END { print sum }' <<<"$two_loop_threads")"
while read -r tid ticks; do
    awk -v tid="$tid" -v t="$ticks" -v total="$total_ticks" 'BEGIN { printf "    thread %s: %.0f%% of the loops'"'"' CPU\n", tid, 100 * t / total }'
done <<<"$two_loop_threads"
awk -v one="$one_cpu" -v two="$two_cpu" 'BEGIN {
    printf "  projected two-loop speed-up on two free cores (CPU-bound, balanced loops): 2 × %.2f (CPU per request, one loop / two) = %.2f (target ≥ 1.8)\n", one / two, 2 * one / two
}'
one_loop="${result["paramd-default:256:loop"]}"
read -r loop0_us loop0_served <<<"${result["two-loops-get:loop0"]}"
read -r loop1_us loop1_served <<<"${result["two-loops-get:loop1"]}"
echo "  per loop thread, its own CPU per request it served (paramd_event_loop_requests_total):"
echo "    one loop alone: $one_loop µs; two loops: loop 0 (core 0 to itself) $loop0_us µs over $loop0_served requests,"
echo "    loop 1 (core 1, shared with wrk) $loop1_us µs over $loop1_served requests"
echo "  (loop 0 is not saturated here, and a loop's CPU per request falls as its load rises:"
echo "   bench/http/loop-scaling.sh compares it with a lone loop at the same load)"
echo "  (this machine has 2 cores and wrk needs one: two loops cannot be given two free cores here, so the"
echo "   speed-up is projected from CPU per request, not measured as req/s)"
