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
# a small margin; a buffered path would hold the body two or three times over.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${ROWS:-4096}"
PORT="${OUR_PORT:-18485}"

swift build -c release --product paramd >/dev/null
paramd="$(swift build -c release --show-bin-path)/paramd"
work="$(mktemp -d)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
source bench/http/common.sh

"$paramd" --port "$PORT" --data-dir "$work/data" --log-level warning 2>"$work/paramd.log" &
pid=$!
wait_for_port "$PORT" /healthz
curl -sf -o /dev/null "localhost:$PORT/v1/models" -H 'Content-Type: application/json' \
    -d "{\"name\": \"wide\", \"seed\": 0, \"spec\": {\"type\": \"linear\", \"in\": $ROWS, \"out\": $ROWS, \"bias\": false}}"
python3 -c "import numpy as np; np.random.default_rng(0).standard_normal(($ROWS, $ROWS)).astype('<f4').tofile('$work/body')"
body_bytes="$(stat -c %s "$work/body")"

kib() { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$pid/status"; }
rss_before="$(kib VmRSS)"
echo 5 > "/proc/$pid/clear_refs"
status="$(curl -s -o "$work/response" -w '%{http_code}' -X PUT "localhost:$PORT/v1/models/wide/parameters/weight" \
    -H 'Content-Type: application/octet-stream' -H "Tensor-Shape: $ROWS,$ROWS" --data-binary "@$work/body")"
peak="$(kib VmHWM)"
[ "$status" = 200 ] || { echo "PUT answered $status: $(head -c 300 "$work/response")" >&2; exit 1; }
curl -s "localhost:$PORT/v1/models/wide/parameters/weight" -H 'Accept: application/octet-stream' -o "$work/back"
cmp -s "$work/body" "$work/back" || { echo "the values read back differ from the PUT's" >&2; exit 1; }

awk -v body="$body_bytes" -v before="$rss_before" -v peak="$peak" 'BEGIN {
    mib = 1024 * 1024
    printf "body %.1f MiB; RSS before the PUT %.1f MiB (the model and the process); peak during it %.1f MiB\n", body / mib, before / 1024, peak / 1024
    printf "growth during the PUT: %.1f MiB = %.2f× the body (1.00 = the body read once into its final storage)\n", (peak - before) / 1024, (peak - before) * 1024 / body
}'
