#!/usr/bin/env bash
# Issue #12: paramd's CPU per batch-1 JSON forward beside its floor, measured in the same run on
# the same core. Per round and per build, alternating, with the server pinned to core 0:
#   gemv     the three matrix-vector passes alone over the same weights (nn-bench floor, core 0,
#            the server idle): the arithmetic plus the 1.07 MB of weight reads, the physical limit
#   parse    the same 784-number body parsed alone, as the route parses it
#   model    Model.forward of the parsed row (NeuralNet's own cost around the gemv passes)
#   row8     the gemv passes over 8 rows at once, per row: under 16 connections concurrent
#            forwards share a pass (ForwardCoalescer, ~8 rows), which reads the weights once
#   healthz  the service's CPU per GET /healthz (the HTTP exchange of a bodyless request)
#   forward  the service's CPU per forward, wrk on core 1 at CONNECTIONS (16, as #12 measures:
#            concurrent forwards then share passes) and at 1 connection (every pass one row)
# and prints the medians over the rounds with the ratios to the floor of the whole request:
# gemv + parse + healthz at 1 connection, row8 + parse + healthz at 16 (a lower bound: the
# forward's exchange also carries the 7 kB body). The body is #12's: Python's json.dumps of
# round(uniform(-1, 1), 6), 784 numbers (7 kB).
#   bash bench/service/forward-floor.sh                           (ROUNDS=5 DURATION=3)
#   PARAMD_BINARIES="/old/paramd /new/paramd" bash bench/service/forward-floor.sh   (A/B)
# The machine may be loaded by other work: the figures of one run are comparable with each
# other, not with another run's. Needs wrk, python3 with numpy, release builds of paramd (made
# here unless PARAMD_BINARIES is set) and nn-bench (made here unless NN_BENCH is set).
set -euo pipefail
DURATION=${DURATION:-3}
ROUNDS=${ROUNDS:-5}
# shellcheck source=bench/service/forward-setup.sh
source "$(dirname "$0")/forward-setup.sh"
if [[ -z ${NN_BENCH:-} ]]; then
    (cd "$ROOT" && swift build -c release --product nn-bench >/dev/null)
    NN_BENCH="$(cd "$ROOT" && swift build -c release --show-bin-path)/nn-bench"
fi

declare -A values
# Appends a figure to the list of its key.
record() { values[$1]="${values[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"${values[$1]}" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at the start (other work on this machine may inflate every figure)"
printf "%-6s %-3s %8s %8s %8s %8s %9s %12s %11s\n" round bin gemv row8 parse model healthz "forward c16" "forward c1"
for round in $(seq "$ROUNDS"); do
    for b in "${!binaries[@]}"; do
        start "${binaries[$b]}"
        read -r _ gemv parse model row8 < <(taskset -c 0 "$NN_BENCH" floor "$work/short.json" 2000)
        read -r _ healthz _ _ < <(CONNECTIONS=16 measure /healthz "" 200)
        read -r _ c16 _ pass < <(CONNECTIONS=16 measure /v1/models/mlp/forward "$work/short.json" 200)
        read -r _ c1 _ _ < <(CONNECTIONS=1 measure /v1/models/mlp/forward "$work/short.json" 200)
        stop
        printf "%-6s %-3s %8s %8s %8s %8s %9s %12s %11s   (mean pass at c16: %s rows)\n" \
            "$round" "$b" "$gemv" "$row8" "$parse" "$model" "$healthz" "$c16" "$c1" "$pass"
        for key in gemv row8 parse model healthz c16 c1; do record "$b:$key" "${!key}"; done
    done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "medians over $ROUNDS rounds, CPU µs on core 0 (issue #12 goal: forward ≤ 25 µs):"
for b in "${!binaries[@]}"; do
    echo "  [$b] ${binaries[$b]}"
    awk -v g="$(median "$b:gemv")" -v r="$(median "$b:row8")" -v p="$(median "$b:parse")" -v m="$(median "$b:model")" \
        -v h="$(median "$b:healthz")" -v f="$(median "$b:c16")" -v one="$(median "$b:c1")" 'BEGIN {
        alone = g + p + h; shared = r + p + h
        printf "    floor alone:  gemv %.2f + parse %.2f + GET /healthz exchange %.1f = %.1f µs (Model.forward %.2f)\n", g, p, h, alone, m
        printf "    floor shared: gemv per row of 8 %.2f + parse %.2f + exchange %.1f = %.1f µs\n", r, p, h, shared
        printf "    forward, 16 connections: %.1f µs = %.2f× the shared floor\n", f, f / shared
        printf "    forward, 1 connection:   %.1f µs = %.2f× the floor alone\n", one, one / alone
    }'
done
