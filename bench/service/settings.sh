# shellcheck shell=bash disable=SC2034  # sourced: the scripts that source it use these
# The load settings the service benchmarks share (run.sh, oip_vs_raw.sh), from their BENCH_*
# variables; sourced, not run.
DURATION=${BENCH_DURATION:-8}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-4}
SERVER_CORE=${BENCH_SERVER_CORE:-0}
CLIENT_CORE=${BENCH_CLIENT_CORE:-1}
# Servers and wrk run at a raised priority (same for every server) so the compilers other people
# run on this 2-core machine take less from the measurement; the load average is printed too.
PRIORITY=(nice -n "${BENCH_NICE:--10}")
