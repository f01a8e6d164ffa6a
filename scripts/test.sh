#!/usr/bin/env bash
# The whole test suite: every module's tests, then the end-to-end suites against the built binary.
#
# Two runs of one build, because `swift test` puts every target in one process: the end-to-end
# suites wait on curl and child servers synchronously, holding Swift's cooperative pool (one
# thread per core, two here), and the in-process server tests need that pool to answer.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build --skip EndToEndTests
swift test --skip-build --filter EndToEndTests
