# Sourced by forward-cpu.sh, forward-floor.sh and malloc-count.sh: the paramd builds to compare, a
# work directory removed at exit, the bodies (short compact and Python-default, batch 1) and the
# MLP, start/stop of one paramd (`--threads 1 --access-log off`, or `--log-level warning` for
# builds without that flag) pinned to core 0 with the MLP created and its size known to the
# router, and `measure`: the server's CPU per request under wrk (CONNECTIONS, DURATION).
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
