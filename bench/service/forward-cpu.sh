#!/usr/bin/env bash
# Issue #12's figure: paramd's CPU per batch-1 JSON forward on one core, and what part of it is the
# route's own. One paramd (`--threads 1 --access-log off`) pinned to core 0, wrk (`-t1`, 16
# connections) on core 1; per case the server's CPU time (user + system, /proc) over the requests
# wrk completed. Cases, in alternating rounds so drifts in the machine's load hit them alike:
#   GET /healthz                       the HTTP exchange of a bodyless request
#   POST /healthz, empty body          the router's 405 (a problem document) on the loop
#   POST /healthz with the forward body  the same 405 once the body is read (no parse, no pass)
#   forward, short compact body        {"inputs": [[784 numbers of 6 decimals]]}, 7 kB
#   forward, Python-default body       json.dumps of numpy float32 rows (17 digits, ", "), 16 kB
# and prints, per forward, the exchange of an equal-size request (GET /healthz plus what the body
# adds to the 405), the route's own CPU (forward minus that exchange) and the mean number of
# requests per shared pass (ForwardCoalescer, from /metrics) over the case.
# The CPU per request of a server on a shared core falls as its load rises (each epoll turn and
# each shared pass serves more requests), so each row also says how busy the core was (CPU
# seconds per second).
#   bash bench/service/forward-cpu.sh                  (DURATION=4 ROUNDS=3 CONNECTIONS=16)
#   PARAMD_BINARIES="/old/paramd /new/paramd" bash bench/service/forward-cpu.sh   (A/B, same run)
# Needs wrk, python3 with numpy, a release build (made here unless PARAMD_BINARIES is set).
set -euo pipefail
DURATION=${DURATION:-4}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
source "$(dirname "$0")/forward-setup.sh"
: >"$work/empty.json"
# wrk's request.lua counts any status but 200 as a failure; the 405 case expects its 405.
sed 's/if status ~= 200 then/if status ~= tonumber(os.getenv("BENCH_STATUS") or "200") then/' \
    "$ROOT/bench/service/request.lua" >"$work/request.lua"

ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
# Requests and their sum in the coalescer's pass-size histogram (0 0 for a binary without it).
passes() {
    curl -s "http://127.0.0.1:$PORT/metrics" |
        awk '/^paramd_forward_joint_requests_sum/ { s = $2 } /^paramd_forward_joint_requests_count/ { c = $2 } END { print s + 0, c + 0 }'
}

# Prints "req/s cpu_us_per_request core_busy mean_pass" for one case.
measure() {
    local path=$1 body=$2 status=$3
    export BENCH_METHOD=GET BENCH_STATUS=$status BENCH_CONTENT_TYPE=application/json
    unset BENCH_BODY_FILE
    if [[ -n $body ]]; then export BENCH_METHOD=POST BENCH_BODY_FILE=$body; fi
    local url="http://127.0.0.1:$PORT$path"
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d1s -s "$work/request.lua" "$url" >/dev/null
    local before after p0 p1
    read -r -a p0 < <(passes)
    before=$(ticks)
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$work/request.lua" "$url" >"$work/wrk.out"
    after=$(ticks)
    read -r -a p1 < <(passes)
    if grep -q "Non-2xx" "$work/wrk.out" && [[ $status == 200 ]]; then echo "forward-cpu: non-200 answers on $path" >&2; exit 1; fi
    awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" \
        -v joined=$((${p1[0]%.*} - ${p0[0]%.*})) -v pass_count=$((${p1[1]%.*} - ${p0[1]%.*})) '
        /requests in/ { n = $1 }
        /^Requests\/sec/ { rps = $2 }
        END { printf "%.0f %.1f %.2f %s\n", rps, ticks * 1e6 / hz / n, ticks / hz / d, (pass_count > 0 ? sprintf("%.1f", joined / pass_count) : "-") }' "$work/wrk.out"
}

cases=("healthz|/healthz||200" "refused|/healthz|$work/empty.json|405" "exchange|/healthz|$work/short.json|405"
    "forward-short|/v1/models/mlp/forward|$work/short.json|200"
    "exchange-python|/healthz|$work/python.json|405" "forward-python|/v1/models/mlp/forward|$work/python.json|200")
declare -A sum count
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at the start"
printf "%-8s %-3s %-40s %9s %9s %6s %6s\n" round bin case req/s "µs/req" busy pass
for round in $(seq "$ROUNDS"); do
    for b in "${!binaries[@]}"; do
        start "${binaries[$b]}"
        for entry in "${cases[@]}"; do
            IFS='|' read -r key path body status <<<"$entry"
            read -r rps cpu busy pass < <(measure "$path" "$body" "$status")
            printf "%-8s %-3s %-40s %9s %9s %6s %6s\n" "$round" "$b" "$key" "$rps" "$cpu" "$busy" "$pass"
            sum[$b:$key]=$(awk -v a="${sum[$b:$key]:-0}" -v c="$cpu" 'BEGIN { print a + c }')
            count[$b:$key]=$((${count[$b:$key]:-0} + 1))
        done
        stop
    done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at the end"
mean() { awk -v s="${sum[$1]}" -v n="${count[$1]}" 'BEGIN { printf "%.1f", s / n }'; }
echo
echo "mean CPU µs per request over the rounds; exchange of an equal-size request = GET /healthz + (405 with"
echo "the body - 405 without); route's own = forward - that exchange:"
for b in "${!binaries[@]}"; do
    echo "  [$b] ${binaries[$b]}"
    printf "    GET /healthz %s; POST /healthz (405): empty %s, 7 kB %s, 16 kB %s\n" "$(mean "$b:healthz")" \
        "$(mean "$b:refused")" "$(mean "$b:exchange")" "$(mean "$b:exchange-python")"
    for body in short python; do
        key="forward-$body" exchange="exchange"
        if [[ $body == python ]]; then exchange="exchange-python"; fi
        awk -v f="$(mean "$b:$key")" -v g="$(mean "$b:healthz")" -v e="$(mean "$b:$exchange")" -v r="$(mean "$b:refused")" -v body="$body" \
            'BEGIN { x = g + e - r; printf "    batch-1 forward, %-6s body: %6.1f µs (exchange %5.1f, route %5.1f µs; issue #12 goal ≤ 25)\n", body, f, x, f - x }'
    done
done
