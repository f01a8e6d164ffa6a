# shellcheck shell=bash
# Shared by the scripts of bench/http (sourced; the functions below use $work and DURATION).

# For scripts that run one server at a time: $work, a new temporary directory, and $pid, the
# server's process (empty when none runs), both cleaned up on exit.
start_work_dir() {
    work="$(mktemp -d)"
    pid=""
    trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
}

# The paramd to measure: $PARAMD_BINARY when set (another build, e.g. a copy of main's, in the
# same conditions, for before/after), else a release build made here.
paramd_binary() {
    if [ -n "${PARAMD_BINARY:-}" ]; then
        echo "$PARAMD_BINARY"
    else
        swift build -c release --product paramd >/dev/null
        echo "$(swift build -c release --show-bin-path)/paramd"
    fi
}

# The thread of event loop $2 of process $1 (loop threads are named paramd-loop-N).
loop_thread() { grep -lx "paramd-loop-$2" /proc/"$1"/task/*/comm | cut -d/ -f5; }

# CPU ticks (user + system) of thread $2 of process $1.
thread_ticks() { awk '{ print $14 + $15 }' "/proc/$1/task/$2/stat"; }

# Requests event loop $2 of the paramd on port $1 has served (paramd_event_loop_requests_total).
loop_requests() {
    curl -sf "http://127.0.0.1:$1/metrics" |
        awk -v loop="$2" '$1 == "paramd_event_loop_requests_total{loop=\"" loop "\"}" { print $2; found = 1 } END { if (!found) print 0 }'
}

# CPU µs per request from $1 ticks over $2 requests.
per_request_us() { awk -v t="$1" -v r="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (r > 0 ? t * 1e6 / hz / r : 0) }'; }

wait_for_port() {
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1${2:-/json}" && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

# CPU seconds (user + system) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Runs wrk on core 1 against a server whose CPU time is read from pid $4;
# prints "requests_per_second p50_ms p99_ms non2xx cpu_us_per_request".
measure() {
    local url="$1" connections="$2" script="${3:-}" pid="$4"
    local args=(-t1 -c"$connections" -d"${DURATION}s" --latency)
    [ -n "$script" ] && args+=(-s "$script")
    # Warm-up, then the measured run.
    taskset -c 1 wrk -t1 -c"$connections" -d1s ${script:+-s "$script"} "$url" >/dev/null
    local before after
    before="$(cpu_ticks "$pid")"
    taskset -c 1 wrk "${args[@]}" "$url" > "$work/wrk.out"
    after="$(cpu_ticks "$pid")"
    awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /requests in/ { total = $1 }
        /^Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.3f %.3f %s %.1f\n", rps, p50, p99, (bad == "" ? 0 : bad), ticks * 1e6 / hz / (total > 0 ? total : 1) }' "$work/wrk.out"
}


# Each thread of process $1 as "tid ticks" (user + system).
snapshot_threads() {
    for stat in /proc/"$1"/task/*/stat; do
        awk '{ print $1, $14 + $15 }' "$stat" 2>/dev/null || true
    done
}

# The $3 threads that used the most CPU between two snapshots ($1, $2): "tid ticks", busiest first.
busiest_threads() {
    awk 'NR == FNR { before[$1] = $2; next } { print $1, $2 - before[$1] }' "$1" "$2" | sort -k2,2nr | head -n "$3"
}
