#!/usr/bin/env bash
# Fuzzes the JSON row kernel (Sources/CKernels/json_float_row*.c) with libFuzzer for a bounded time.
# Usage: scripts/fuzz-json-row-kernel.sh [seconds=60] [extra libFuzzer flags...]
# Builds Fuzz/JSONRowKernelFuzz/fuzz.c with the kernel's sources by clang with libFuzzer and
# AddressSanitizer into .build-fuzz/json-row-kernel, runs from a copy of the committed seed corpus
# (Fuzz/JSONRowKernelFuzz/corpus: rows as Python, JavaScript and pretty-printing write them,
# integers), and exits non-zero on any out-of-bounds access, a Float that is not strtof's, or a
# disagreement between the AVX2 and AVX-512 builds; a failing input is saved as
# .build-fuzz/json-row-kernel-crash-* and replays with `.build-fuzz/json-row-kernel/fuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true

out=.build-fuzz/json-row-kernel
mkdir -p "$out"
clang -O2 -g -fno-math-errno -fsanitize=fuzzer,address -ISources/CKernels/include -ISources/CKernels \
    Fuzz/JSONRowKernelFuzz/fuzz.c Sources/CKernels/json_float_row.c Sources/CKernels/json_float_row_sse2.c \
    Sources/CKernels/json_float_row_ssse3.c Sources/CKernels/json_float_row_avx2.c \
    Sources/CKernels/json_float_row_avx512.c -lm -o "$out/fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp Fuzz/JSONRowKernelFuzz/corpus/* "$work/"
"$out/fuzz" "$work" -max_total_time="$seconds" -max_len=2048 -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix=.build-fuzz/json-row-kernel- -print_final_stats=1 "$@"
