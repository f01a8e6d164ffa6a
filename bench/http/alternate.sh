#!/usr/bin/env bash
# GET /healthz, paramd against nginx in alternating cells: per round and per log mode (off, then
# each server's default log), nginx then paramd, each started afresh, at 16 and 256 connections.
# Prints paramd's req/s over nginx's for every pair. The host under this VM changes speed from
# minute to minute (nginx alone moved from 110k to 174k req/s between two runs); a pair measured
# seconds apart shares the host's state, where `paramd.sh`, which measures every nginx cell before
# every paramd cell, does not.
#   bash bench/http/alternate.sh
# Env: ROUNDS (4), DURATION (3 s a cell), PARAMD_BINARY (else a release build made here),
# OUR_PORT (18483), NGINX_PORT (18484). Servers on core 0, wrk (one thread) on core 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-3}"
PORT="${OUR_PORT:-18483}"
NGINX_PORT="${NGINX_PORT:-18484}"
source bench/http/common.sh
start_work_dir
paramd="$(paramd_binary)"

for log in off on; do
    mkdir -p "$work/nginx-$log"
    directive=$([ "$log" = on ] && echo "access_log $work/nginx-$log/access.log;" || echo "access_log off;")
    sed -e "s|__DIR__|$work/nginx-$log|g" -e "s|__PORT__|$NGINX_PORT|g" -e "s|__ACCESS_LOG__|$directive|" \
        bench/http/nginx-healthz.conf.template >"$work/nginx-$log/nginx.conf"
done

# Requests per second of one cell, after a 1 s warm-up.
rps() {
    taskset -c 1 wrk -t1 -c"$1" -d1s "$2" >/dev/null
    taskset -c 1 wrk -t1 -c"$1" -d"${DURATION}s" "$2" | awk '/Requests\/sec/ { print $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); GET /healthz, $ROUNDS rounds of ${DURATION} s cells"
printf "%-6s %-8s %10s %10s %6s %10s %10s %6s\n" round log "nginx 16" "paramd 16" ratio "nginx 256" "paramd 256" ratio
for round in $(seq "$ROUNDS"); do
    for log in off on; do
        taskset -c 0 nginx -e "$work/nginx-$log/error.log" -c "$work/nginx-$log/nginx.conf" -p "$work/nginx-$log" &
        pid=$!
        wait_for_port "$NGINX_PORT" /healthz
        n16="$(rps 16 "http://127.0.0.1:$NGINX_PORT/healthz")"
        n256="$(rps 256 "http://127.0.0.1:$NGINX_PORT/healthz")"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rm -rf "$work/data"
        flags=(--threads 1)
        [ "$log" = off ] && flags+=(--access-log off)
        taskset -c 0 "$paramd" --port "$PORT" --data-dir "$work/data" "${flags[@]}" 2>"$work/paramd.log" &
        pid=$!
        wait_for_port "$PORT" /healthz
        p16="$(rps 16 "http://127.0.0.1:$PORT/healthz")"
        p256="$(rps 256 "http://127.0.0.1:$PORT/healthz")"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        pid=""
        printf "%-6s %-8s %10.0f %10.0f %6s %10.0f %10.0f %6s\n" "$round" "$log" "$n16" "$p16" "$(ratio "$p16" "$n16")" \
            "$n256" "$p256" "$(ratio "$p256" "$n256")"
    done
done
echo "targets (issue #12): log off ratio ≥ 1.00; log on (paramd's default flags against nginx's default access log) ≥ 0.90"
