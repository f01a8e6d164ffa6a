#!/usr/bin/env bash
# Peak resident memory of paramd while it exports and imports a 100M-parameter model (linear
# 10000→10000 without bias: 400 MB of float32) as a safetensors state dict and exports it as
# ONNX, each against the physical floor measured in the same run: the model resident in the
# server plus one copy of the file. One command:   bash bench/service/interop-memory.sh
#
# Peaks are VmHWM of the server, reset before each request (`echo 5 > /proc/PID/clear_refs`),
# so each figure is that request's own peak. Knobs: PARAMD_BIN (default: the release build),
# MEMORY_WIDTH (10000: width² parameters).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PARAMD_BIN:-}
if [[ -z "$bin" ]]; then
    (cd "$ROOT" && swift build -c release --product paramd 2>&1 | tail -1)
    bin=$(cd "$ROOT" && swift build -c release --show-bin-path)/paramd
fi
width=${MEMORY_WIDTH:-10000}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The upload is ~4·width² bytes: above the 256 MiB default body limit, so the limit is raised.
"$bin" --host 127.0.0.1 --port "$port" --data-dir "$data/store" --max-body-bytes 1073741824 --log-level warning &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$port/v1/models/big"

mib() { echo $(( $1 / 1024 )); }
status() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$pid/status"; }
peak_of() {  # runs "$@", prints the server's peak resident KiB during it
    echo 5 > "/proc/$pid/clear_refs"
    "$@" >/dev/null
    status VmHWM
}

curl -fsS "http://127.0.0.1:$port/v1/models" -H 'Content-Type: application/json' \
    -d "{\"name\": \"big\", \"init\": \"zeros\", \"spec\": {\"type\": \"linear\", \"in\": $width, \"out\": $width, \"bias\": false}}" >/dev/null
resident=$(status VmRSS)
export_peak=$(peak_of curl -fsS "$url/state-dict" -o "$data/big.safetensors")
file=$(( $(stat -c %s "$data/big.safetensors") / 1024 ))
import_peak=$(peak_of curl -fsS -X PUT "$url/state-dict" -H 'Content-Type: application/octet-stream' -T "$data/big.safetensors")
onnx_peak=$(peak_of curl -fsS "$url/onnx" -o "$data/big.onnx")
floor=$(( resident + file ))

printf 'model: %d parameters; server resident after create: %d MiB; state-dict file: %d MiB\n' \
    $(( width * width )) "$(mib "$resident")" "$(mib "$file")"
printf '%-26s %10s %22s\n' "request" "peak MiB" "peak / (model + file)"
for row in "GET state-dict:$export_peak" "PUT state-dict:$import_peak" "GET onnx:$onnx_peak"; do
    printf '%-26s %10d %22s\n' "${row%%:*}" "$(mib "${row##*:}")" "$(python3 -c "print(f'{${row##*:} / $floor:.2f}')")"
done
