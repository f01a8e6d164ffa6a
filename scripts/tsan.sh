#!/usr/bin/env bash
# The HTTP and Service suites under the thread sanitizer: every data race between the event
# loops, the pool and the access log's thread is reported, and the run fails on the first.
# Its own build folder (.build-tsan), so it never rebuilds the normal debug build; slow (the
# sanitizer slows everything several times), so a script of its own rather than a CI step.
#
#   scripts/tsan.sh                 # HTTPTests and ServiceTests
#   scripts/tsan.sh RouterTests     # a narrower filter
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-HTTPTests|ServiceTests}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter "$filter"
