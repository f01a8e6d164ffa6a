#!/usr/bin/env bash
# The whole test suite: every module's tests, the JSON number sweeps, the end-to-end suites
# against the built binary, then the Python suites (Tests/python) that drive that binary with
# the real tools users have (torch, onnxruntime, tritonclient, a headless browser...).
#
# Five `swift test` runs of one build, because `swift test` puts every target in one process
# and Swift's cooperative pool has one thread per core (two here): the end-to-end suites wait
# on curl and child servers synchronously, and the JSON sweeps compute for seconds without a
# suspension point; either holds the pool that the in-process server tests need to answer.
# The HTTP suites run alone for the same reason: their servers' handlers run as tasks, and the
# Service and NeuralNet suites' CPU work on a loaded two-core machine kept them past their
# clients' timeouts. The Kernels and NeuralNet suites (parity sweeps, convolution fixtures:
# half a minute of computation in a debug build) run apart from the Service suites, whose
# in-process requests need the pool.
#
# PARAMD_SKIP_DEPS=1 skips the install step (scripts/test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ "${PARAMD_SKIP_DEPS:-}" == 1 ]] || scripts/test-deps.sh
swift build --build-tests
swift test --skip-build --filter HTTPTests
swift test --skip-build --filter KernelsTests --filter NeuralNetTests
swift test --skip-build --skip EndToEndTests --skip JSONTests --skip HTTPTests --skip KernelsTests --skip NeuralNetTests
swift test --skip-build --filter JSONTests
swift test --skip-build --filter EndToEndTests
PARAMD_TEST_BINARY="$(swift build --show-bin-path)/paramd" python3 -m pytest -q -p no:cacheprovider Tests/python
