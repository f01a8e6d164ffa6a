#!/usr/bin/env bash
# User-space instructions per request, counted by callgrind: steady where wall and CPU times on this
# VM swing by 25 % (it has no hardware counters for perf). Each server runs under
# `valgrind --tool=callgrind` (about 50 times slower, so wrk saturates it and each epoll turn
# serves many requests, as under load); counters are zeroed after a warm-up, wrk runs DURATION
# seconds, and the dump's instructions (every thread of the process) are divided by the requests wrk
# completed. The kernel's share (the socket calls) is not counted: `bench/http/paramd.sh` measures it.
#   bash bench/http/instructions.sh                 GET /healthz: paramd (access log off, then the
#                                                   default stderr log) and nginx (logging off, then on)
#   BODY=file.json TARGET=/v1/models/mlp/forward SETUP=forward bash bench/http/instructions.sh
#                                                   a POST of that body to paramd only (SETUP=forward
#                                                   first creates the 784-256-256-10 MLP)
#   VARY=1 bash bench/http/instructions.sh          GET /healthz?n=1, ?n=2, ...: every request's
#                                                   target differs, so no per-connection reuse of
#                                                   the last target or answer applies (both servers)
# Env: PARAMD_BINARY (else a release build made here), CONNECTIONS (16), DURATION (6 s), PORT (18497),
# KEEP (a directory that receives each cell's dumps, for `callgrind_annotate`).
# Needs valgrind, wrk, and nginx for the GET comparison.
set -euo pipefail
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-6}"
PORT="${PORT:-18497}"
TARGET="${TARGET:-/healthz}"
BODY="${BODY:-}"
cd "$(dirname "$0")/../.."
source bench/http/common.sh
start_work_dir
binary="$(paramd_binary)"
# valgrind 3.19 cannot read the DWARF 5 that swiftc writes; the symbols stay.
strip -g "$binary" -o "$work/paramd"
script=()
if [ -n "$BODY" ]; then
    cat >"$work/post.lua" <<EOF
local f = io.open("$(realpath "$BODY")", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "application/json"
EOF
    script=(-s "$work/post.lua")
elif [ "${VARY:-}" = 1 ]; then
    # A new query per request: what a client that tags its probes sends, and the case where
    # paramd's reuse of a connection's last target and constant answer never applies.
    cat >"$work/vary.lua" <<'EOF'
local n = 0
request = function() n = n + 1; return wrk.format(nil, wrk.path .. "?n=" .. n) end
EOF
    script=(-s "$work/vary.lua")
fi
mlp='{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}'

# Prints "instructions_per_request requests" for the server $pid, already under callgrind.
count() {
    local url="http://127.0.0.1:$PORT$TARGET"
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "${script[@]}" "$url" >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "${script[@]}" "$url" >"$work/wrk.out"
    rm -f "$work"/callgrind.out.*
    callgrind_control -d "$pid" >/dev/null 2>&1
    local requests instructions
    requests="$(awk '/requests in/ { print $1 }' "$work/wrk.out")"
    # Each dump file holds the totals of one thread (or of the process) since the zeroing.
    instructions="$(cat "$work"/callgrind.out.* | awk '/^summary:/ { s += $2 } END { print s + 0 }')"
    awk -v i="$instructions" -v r="$requests" 'BEGIN { printf "%.0f %d\n", i / r, r }'
    if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP/$1" && cp "$work"/callgrind.out.* "$KEEP/$1/"; fi
}

paramd_cell() {
    local log="$1" flags=(--threads 1)
    [ "$log" = off ] && flags+=(--access-log off)
    rm -rf "$work/data"
    (cd "$work" && exec taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" \
        "$work/paramd" --port "$PORT" --data-dir "$work/data" "${flags[@]}" 2>"$work/paramd.log" >/dev/null) &
    pid=$!
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
    if [ "${SETUP:-}" = forward ]; then
        curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models" -H 'Content-Type: application/json' -d "$mlp"
    fi
    # callgrind_control finds the valgrind process by its pid: the subshell exec'd into it.
    printf '%-34s %s\n' "paramd, access log $log" "$(count "paramd-$log")"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

nginx_cell() {
    local log="$1" access
    if [ "$log" = off ]; then access='access_log off;'; else access="access_log $work/access.log;"; fi
    sed -e "s|__DIR__|$work|g" -e "s|__PORT__|$PORT|g" -e "s|__ACCESS_LOG__|$access|" \
        bench/http/nginx-healthz.conf.template >"$work/nginx.conf"
    # One process (no master), so the worker is the process callgrind counts.
    sed -i 's/^daemon off;/daemon off;\nmaster_process off;/' "$work/nginx.conf"
    (exec taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" \
        nginx -c "$work/nginx.conf" -e "$work/error.log" 2>/dev/null) &
    pid=$!
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
    printf '%-34s %s\n' "nginx, access log $log" "$(count "nginx-$log")"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

echo "POST/GET $TARGET, $CONNECTIONS connections, ${DURATION}s under callgrind: instructions per request, requests"
paramd_cell off
paramd_cell stderr
if [ -z "$BODY" ] && command -v nginx >/dev/null; then
    nginx_cell off
    nginx_cell on
fi
