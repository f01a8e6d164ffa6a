#!/usr/bin/env bash
# Fuzzes the HTTP request parser with libFuzzer for a bounded time.
# Usage: scripts/fuzz-http-parser.sh [seconds=60] [extra libFuzzer flags...]
# Builds release (where coverage instrumentation works) with libFuzzer + AddressSanitizer into
# .build-fuzz (linked by lld: gold fails on the sanitizer runtime), runs from a copy of the committed
# seed corpus (Fuzz/HTTPParserFuzz/corpus), and exits non-zero on any crash or disagreement between
# whole and split parses; a failing input is saved as .build-fuzz/crash-* and replays with
# `swift run HTTPParserFuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true

swift build -c release --product HTTPParserFuzz --build-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
binary="$(swift build -c release --product HTTPParserFuzz --build-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld --show-bin-path)/HTTPParserFuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp Fuzz/HTTPParserFuzz/corpus/* "$work/"
"$binary" "$work" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix=.build-fuzz/ -print_final_stats=1 "$@"
