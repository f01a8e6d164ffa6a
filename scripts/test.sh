#!/usr/bin/env bash
# The whole test suite: every module's tests, the JSON number sweeps, then the end-to-end
# suites against the built binary.
#
# Three runs of one build, because `swift test` puts every target in one process and Swift's
# cooperative pool has one thread per core (two here): the end-to-end suites wait on curl and
# child servers synchronously, and the JSON sweeps compute for seconds without a suspension
# point; either holds the pool that the in-process server tests need to answer.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build --skip EndToEndTests --skip JSONTests
swift test --skip-build --filter JSONTests
swift test --skip-build --filter EndToEndTests
