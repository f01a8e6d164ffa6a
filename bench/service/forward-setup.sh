# Sourced by forward-cpu.sh and malloc-count.sh: the paramd builds to compare, a work directory
# removed at exit, the bodies (short compact and Python-default, batch 1) and the MLP, and
# start/stop of one paramd (`--threads 1 --access-log off`, or `--log-level warning` for builds
# without that flag) pinned to core 0 with the MLP created and its size known to the router.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${PORT:-18593}
if [[ -z ${PARAMD_BINARIES:-} ]]; then
    (cd "$ROOT" && swift build -c release --product paramd >/dev/null)
    PARAMD_BINARIES="$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd"
fi
read -r -a binaries <<<"$PARAMD_BINARIES"

work=$(mktemp -d "${TMPDIR:-/tmp}/paramd-forward.XXXXXX")
server=""
cleanup() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 -c 'import json, random; random.seed(0); print(json.dumps({"inputs": [[round(random.uniform(-1, 1), 6) for _ in range(784)]]}))' >"$work/short.json"
python3 -c 'import json, numpy as np; rows = np.random.default_rng(0).uniform(-1, 1, (1, 784)); print(json.dumps({"inputs": rows.astype(np.float32).tolist()}))' >"$work/python.json"
mlp='{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}'

start() {
    rm -rf "$work/data"
    # Flags a binary lacks are left out, so older builds can be compared in the same run.
    local flags=(--port "$PORT" --data-dir "$work/data" --threads 1)
    if "$1" --help 2>&1 | grep -q -- --access-log; then flags+=(--access-log off); else flags+=(--log-level warning); fi
    taskset -c 0 "$1" "${flags[@]}" 2>"$work/paramd.log" &
    server=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models" -H 'Content-Type: application/json' -d "$mlp"
    # One forward so the router knows the model's size (a model not seen yet is placed on the pool).
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/models/mlp/forward" -H 'Content-Type: application/json' -d @"$work/short.json"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
