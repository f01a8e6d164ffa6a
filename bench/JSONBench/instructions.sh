#!/usr/bin/env bash
# Instructions per number of paramd's JSON tensor reader on one body, by callgrind (independent of
# the machine's load): `JSONBench file BODY N` runs N reads; two runs at N1 and N2 reads, the
# difference divided by (N2 - N1) × the numbers in the body. valgrind 3.19 cannot read the debug
# info swiftc writes, so it runs a copy stripped of it (`strip -g`; the symbols stay).
#   bash bench/JSONBench/instructions.sh BODY [N1 N2]     (defaults 10 20; 200 400 for batch 1)
# Needs `swift build -c release --product JSONBench` and valgrind. Bodies: payloads.py DIRECTORY.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
body=$1 n1=${2:-10} n2=${3:-20}
work=$(mktemp -d)
# The same hash seeds in every run: the harness's dictionaries otherwise probe differently from run
# to run, ±2 instructions per number at batch 1.
export SWIFT_DETERMINISTIC_HASHING=1
trap 'rm -rf "$work"' EXIT
strip -g "$(cd "$ROOT" && swift build -c release --show-bin-path)/JSONBench" -o "$work/JSONBench"
shape=$("$work/JSONBench" file "$body" 1 | sed -n 's/^shape \[\([0-9, ]*\)\].*/\1/p')
numbers=$(tr -d ' ' <<<"$shape" | tr ',' '*' | bc)
count() { valgrind --tool=callgrind --callgrind-out-file="$work/out.$1" "$work/JSONBench" file "$body" "$1" 2>&1 |
    sed -n 's/.*refs: *//p' | tr -d ','; }
first=$(count "$n1") second=$(count "$n2")
awk -v a="$first" -v b="$second" -v n="$numbers" -v r=$((n2 - n1)) -v f="$(basename "$body")" \
    'BEGIN { printf "%-28s %8.1f instructions/number\n", f, (b - a) / (r * n) }'
