# shellcheck shell=bash
# Starting and stopping the servers the service benchmarks compare (run.sh, floor.sh); sourced
# after ROOT, PY (the peer venv's python), WORK and settings.sh are set. Every pid added to
# SERVER_PIDS is stopped on exit, and WORK removed.
SERVER_PIDS=()
cleanup() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_healthy() {  # url pid seconds -> 0 once /healthz answers 200
    local deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        kill -0 "$2" 2>/dev/null || return 1
        curl -sf -o /dev/null "$1/healthz" && return 0
        sleep 0.2
    done
    return 1
}

start_peer() {  # port datadir log -> pid in $!
    (cd "$ROOT/bench/peers" && PEER_DATA_DIR="$2" OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
        exec "${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$PY" -m uvicorn app:app --host 127.0.0.1 --port "$1" \
        --workers 1 --loop uvloop --http httptools --no-access-log --log-level warning) >"$3" 2>&1 &
}

start_paramd() {  # port datadir log -> pid in $!
    local help flags=(--host 127.0.0.1 --port "$1" --data-dir "$2")
    help=$("$PARAMD_BIN" --help 2>&1 || true)
    # One worker, like the peer: pin to one core and, where paramd has the flag, one thread.
    grep -q -- '--threads' <<<"$help" && flags+=(--threads 1)
    # No per-request log line, as the peer runs without uvicorn's access log.
    grep -q -- '--log-level' <<<"$help" && flags+=(--log-level warning)
    "${PRIORITY[@]}" taskset -c "$SERVER_CORE" "$PARAMD_BIN" "${flags[@]}" >"$3" 2>&1 &
}
