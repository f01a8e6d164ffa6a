#!/usr/bin/env bash
# HTTP benchmark against nginx, measured in the same run.
#
#   bench/http/run.sh                  # paramd itself: /healthz and a batch-1 forward, access logs on and off
#   bench/http/run.sh module           # the HTTP module's bench server, each handler mode (inplace, eventloop, pool)
#   DURATION=15 PLACEMENTS=pool bench/http/run.sh module
#
# Each server gets core 0 alone (taskset), wrk gets core 1 with one thread. Cells: GET of a
# 27-byte JSON and POST echo of 1 KiB, at 16 and 256 keep-alive connections. Prints requests/s,
# p50/p99 latency, the ratio to nginx's requests/s, and our server's peak RSS.
# Needs: wrk, nginx, libnginx-mod-http-echo (Debian), a release build (done here).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-paramd}" = paramd ]; then exec bench/http/paramd.sh; fi
DURATION="${DURATION:-8}"
PLACEMENTS="${PLACEMENTS:-inplace eventloop pool}"
OUR_PORT="${OUR_PORT:-18481}"
NGINX_PORT="${NGINX_PORT:-18482}"

swift build -c release --product HTTPBenchServer >/dev/null
server_binary="$(swift build -c release --show-bin-path)/HTTPBenchServer"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

source bench/http/common.sh

# nginx
mkdir -p "$work/nginx"
sed -e "s|__DIR__|$work/nginx|g" -e "s|__PORT__|$NGINX_PORT|g" bench/http/nginx.conf.template > "$work/nginx/nginx.conf"
taskset -c 0 nginx -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
wait_for_port "$NGINX_PORT"
nginx_worker="$(pgrep -P "${pids[0]}" | head -1)"

declare -A nginx_result
cells=("GET /json:16:/json:" "GET /json:256:/json:" "POST 1KiB /echo:16:/echo:bench/http/post-1k.lua" "POST 1KiB /echo:256:/echo:bench/http/post-1k.lua")
for cell in "${cells[@]}"; do
    IFS=: read -r name connections path script <<<"$cell"
    nginx_result["$name:$connections"]="$(measure "http://127.0.0.1:$NGINX_PORT$path" "$connections" "$script" "$nginx_worker")"
done
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
pids=()

echo "load before paramd runs: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on these cores skew req/s; CPU µs/req much less)"
printf "\n%-16s %5s  %-18s %9s %8s %8s %8s %8s %8s %7s\n" "route" "conns" "server" "req/s" "p50 ms" "p99 ms" "vs nginx" "µs/req" "vs nginx" "non-2xx"
for placement in $PLACEMENTS; do
    taskset -c 0 "$server_binary" "$OUR_PORT" "$placement" >/dev/null &
    server_pid=$!
    pids+=("$server_pid")
    wait_for_port "$OUR_PORT"
    for cell in "${cells[@]}"; do
        IFS=: read -r name connections path script <<<"$cell"
        read -r n_rps n_p50 n_p99 n_bad n_cpu <<<"${nginx_result["$name:$connections"]}"
        read -r rps p50 p99 bad cpu <<<"$(measure "http://127.0.0.1:$OUR_PORT$path" "$connections" "$script" "$server_pid")"
        printf "%-16s %5s  %-18s %9s %8s %8s %8s %8s %8s %7s\n" "$name" "$connections" "nginx" "$n_rps" "$n_p50" "$n_p99" "1.00" "$n_cpu" "1.00" "$n_bad"
        printf "%-16s %5s  %-18s %9s %8s %8s %8s %8s %8s %7s\n" "$name" "$connections" "paramd ($placement)" "$rps" "$p50" "$p99" \
            "$(awk -v a="$rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')" "$cpu" \
            "$(awk -v a="$cpu" -v b="$n_cpu" 'BEGIN { printf "%.2f", a / b }')" "$bad"
    done
    peak_kb="$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")"
    echo "paramd ($placement) peak RSS: $((peak_kb / 1024)) MiB"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    pids=()
done
