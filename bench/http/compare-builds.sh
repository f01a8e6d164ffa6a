#!/usr/bin/env bash
# Two paramd builds against each other, in alternating rounds of the same run: GET /healthz,
# access log off and default, the server pinned to core 0 and wrk (one thread) to core 1, as in
# paramd.sh. Prints each round's CPU µs per request (user and system, from /proc) and, per build
# and log mode, the mean, minimum and median over the rounds, then the second build's ratio to the
# first. On a loaded machine req/s mean little; CPU per request much less (the minimum and the
# median least).
#   bash bench/http/compare-builds.sh BEFORE_BINARY AFTER_BINARY
# Env: ROUNDS (4), DURATION (3 s per cell), CONNECTIONS (16), OUR_PORT (18485).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_BINARY AFTER_BINARY" >&2; exit 2; }
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-3}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${OUR_PORT:-18485}"
cd "$(dirname "$0")/../.."
source bench/http/common.sh
start_work_dir

# "user_us system_us requests_per_second" for one cell.
cell() {
    local binary="$1" log="$2" flags=(--threads 1)
    [ "$log" = off ] && flags+=(--access-log off)
    rm -rf "$work/data"
    taskset -c 0 "$binary" --port "$PORT" --data-dir "$work/data" "${flags[@]}" 2>"$work/paramd.log" &
    pid=$!
    wait_for_port "$PORT" /healthz
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d1s "http://127.0.0.1:$PORT/healthz" >/dev/null
    local before after
    before="$(awk '{ print $14, $15 }' "/proc/$pid/stat")"
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/healthz" >"$work/wrk.out"
    after="$(awk '{ print $14, $15 }' "/proc/$pid/stat")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid=""
    awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v d="$DURATION" '
        /requests in/ { n = $1 }
        END { split(b, x, " "); split(a, y, " "); printf "%.2f %.2f %.0f\n", (y[1] - x[1]) * 1e6 / hz / n, (y[2] - x[2]) * 1e6 / hz / n, n / d }' "$work/wrk.out"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); GET /healthz, $CONNECTIONS connections, $ROUNDS rounds of ${DURATION} s"
printf "%-6s %-7s %-8s %9s %9s %9s %9s\n" round build log "user µs" "sys µs" "total µs" "req/s"
for round in $(seq "$ROUNDS"); do
    for which in before after; do
        binary=$([ "$which" = before ] && echo "$1" || echo "$2")
        for log in off default; do
            read -r user system rps <<<"$(cell "$binary" "$log")"
            printf "%-6s %-7s %-8s %9s %9s %9.2f %9s\n" "$round" "$which" "$log" "$user" "$system" "$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')" "$rps"
            echo "$which $log $user $system" >>"$work/cells"
        done
    done
done
echo
# Medians beside the means: on a loaded machine one starved round can double a mean.
awk '
    function median(list,    n, i, j, v, tmp) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) { tmp = v[i]; for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]; v[j + 1] = tmp }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    { k = $1 " " $2; t = $3 + $4; u[k] += $3; s[k] += t; n[k]++; if (!(k in m) || t < m[k]) m[k] = t; ul[k] = ul[k] " " $3; tl[k] = tl[k] " " t }
    END {
        printf "%-16s %10s %10s %10s %12s %12s\n", "build, log", "mean user", "mean total", "min total", "median user", "median total"
        split("before off,after off,before default,after default", keys, ",")
        for (i = 1; i <= 4; i++) {
            k = keys[i]; mu[k] = median(ul[k]); mt[k] = median(tl[k])
            printf "%-16s %10.2f %10.2f %10.2f %12.2f %12.2f\n", k, u[k] / n[k], s[k] / n[k], m[k], mu[k], mt[k]
        }
        split("off default", logs, " ")
        for (i = 1; i <= 2; i++) {
            b = "before " logs[i]; a = "after " logs[i]
            printf "after / before, log %-8s CPU per request: mean %.2f, min %.2f, median %.2f; user mean %.2f, median %.2f\n", logs[i], s[a] / n[a] / (s[b] / n[b]), m[a] / m[b], mt[a] / mt[b], (u[a] / n[a]) / (u[b] / n[b]), mu[a] / mu[b]
        }
    }' "$work/cells"
