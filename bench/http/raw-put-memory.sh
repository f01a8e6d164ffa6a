#!/usr/bin/env bash
# Memory of a raw 64 MiB PUT of a parameter: how much the server's resident set grows while it
# reads, validates and commits the body, against the body's own size (a physical floor: the new
# tensor must exist beside the old one until the commit publishes it).
#
#   bench/http/raw-put-memory.sh            # a 4096×4096 linear layer's weight, 64 MiB
#   ROWS=2048 bench/http/raw-put-memory.sh  # 16 MiB
#
# A fresh release paramd, a model with one linear layer; its RSS is read before the PUT, its
# peak (VmHWM) reset (/proc/PID/clear_refs, 5) and read again after the PUT. The body arrives
# straight into the new tensor's storage (RawTensorBody), so the growth should be one body plus
# a small margin; the same PUT chunked, which must be buffered, shows what a buffered path holds.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${ROWS:-4096}"
PORT="${OUR_PORT:-18485}"

swift build -c release --product paramd >/dev/null
paramd="$(swift build -c release --show-bin-path)/paramd"
source bench/http/common.sh
start_work_dir

"$paramd" --port "$PORT" --data-dir "$work/data" --log-level warning 2>"$work/paramd.log" &
pid=$!
wait_for_port "$PORT" /healthz
curl -sf -o /dev/null "localhost:$PORT/v1/models" -H 'Content-Type: application/json' \
    -d "{\"name\": \"wide\", \"seed\": 0, \"spec\": {\"type\": \"linear\", \"in\": $ROWS, \"out\": $ROWS, \"bias\": false}}"
python3 -c "import numpy as np; np.random.default_rng(0).standard_normal(($ROWS, $ROWS)).astype('<f4').tofile('$work/body')"
body_bytes="$(stat -c %s "$work/body")"

kib() { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$pid/status"; }
# One PUT of the body; prints "RSS before (KiB) peak during (KiB)". $1: extra curl arguments.
put() {
    local before status
    before="$(kib VmRSS)"
    echo 5 > "/proc/$pid/clear_refs"
    status="$(curl -s -o "$work/response" -w '%{http_code}' -X PUT "localhost:$PORT/v1/models/wide/parameters/weight" \
        -H 'Content-Type: application/octet-stream' -H "Tensor-Shape: $ROWS,$ROWS" "$@" --data-binary "@$work/body")"
    [ "$status" = 200 ] || { echo "PUT answered $status: $(head -c 300 "$work/response")" >&2; exit 1; }
    echo "$before $(kib VmHWM)"
}
report() {
    awk -v label="$1" -v body="$body_bytes" -v before="$2" -v peak="$3" 'BEGIN {
        printf "%-40s RSS before %6.1f MiB, peak %6.1f MiB, growth %6.1f MiB = %.2f× the body\n", label, before / 1024, peak / 1024, (peak - before) / 1024, (peak - before) * 1024 / body
    }'
}

read -r before peak <<<"$(put)"
curl -s "localhost:$PORT/v1/models/wide/parameters/weight" -H 'Accept: application/octet-stream' -o "$work/back"
cmp -s "$work/body" "$work/back" || { echo "the values read back differ from the PUT's" >&2; exit 1; }
echo "body $((body_bytes / 1024 / 1024)) MiB of float32; RSS before includes the model's own copy of the tensor"
report "Content-Length (read into the tensor)" "$before" "$peak"
# The same body chunked: the server cannot know its size, so it buffers it (the path every
# raw PUT took before) and the handler copies it into a new array.
read -r before peak <<<"$(put -H 'Transfer-Encoding: chunked')"
report "chunked (buffered, then copied)" "$before" "$peak"
