#!/usr/bin/env bash
# Formats the tree's Swift files with swift-format (the toolchain's `swift format`) and the
# repository's .swift-format; `--check` changes nothing and fails when a file is not formatted
# (.ci/run). The generated client is left as its generator wrote it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -v '^Sources/ParamdClient/Generated/')
if [[ "${1:-}" == --check ]]; then
    swift format lint --strict --parallel "${files[@]}"
else
    swift format format --in-place --parallel "${files[@]}"
fi
