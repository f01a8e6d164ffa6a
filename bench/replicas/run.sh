#!/usr/bin/env bash
# Replicas on PostgreSQL, measured on this machine (issue #16). One command:
#   bash bench/replicas/run.sh
#
# Starts a PostgreSQL (Tests/python/postgres_server.py: initdb in a temp dir, a free port),
# three release paramd replicas on it and nginx in front (its own config in a temp dir, on a
# free port), then prints:
#   1. visibility: a PUT acknowledged by replica A, until replica B publishes that version (its
#      event stream), over BENCH_VISIBILITY_WRITES writes: p50, p90, p99, max; and the same
#      with ?consistent=true on B (one request, no waiting);
#   2. forward throughput (wrk, BENCH_CONNECTIONS connections, BENCH_DURATION s): nginx in front
#      of three replicas, against nginx in front of one, and one replica directly;
#   3. durable PATCH rate with 16 writers (wrk -c16): all on one model through one replica
#      (group commit: one transaction per batch), spread over three replicas through nginx
#      (compare-and-set conflicts, caught up and re-applied), and 16 models; beside it the
#      disk's fdatasync rate (pg_test_fsync), the bound of a commit with synchronous_commit on.
# Everything it started is stopped by pid at the end (trap), the temp dirs removed.
# Knobs: BENCH_DURATION (6), BENCH_CONNECTIONS (32), BENCH_VISIBILITY_WRITES (300),
#   BENCH_PARAMD_BIN (default: swift build -c release --product paramd).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
if [[ -z "${BENCH_PARAMD_BIN:-}" ]]; then
    (cd "$ROOT" && swift build -c release --product paramd 2>&1 | tail -1)
    BENCH_PARAMD_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd"
fi
export BENCH_PARAMD_BIN
exec python3 "$ROOT/bench/replicas/replicas.py"
