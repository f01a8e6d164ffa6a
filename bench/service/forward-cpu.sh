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
