#!/usr/bin/env bash
# The HTTP and Service suites under the thread sanitizer: every data race between the event
# loops, the pool and the access log's thread is reported, and the run fails on the first.
# Its own build folder (.build-tsan), so it never rebuilds the normal debug build; slow (the
# sanitizer slows everything several times), so a script of its own rather than a CI step.
#
# One `swift test` per suite, as scripts/test.sh does: in one process the Service suites' CPU
# work (slowed several times here) holds the two-thread cooperative pool that the HTTP
# suites' in-process servers need, and their clients time out. And one test at a time
# (--no-parallel): the sanitizer races the threads of each test as before, but a test's own
# tasks no longer wait minutes behind the computation of every other test on that pool (the
# group-commit tests' two-minute waits ran out that way, and the HTTP suites' hundreds of
# slow-client sockets at once hung a run). On a loaded two-core machine the suites take about
# 3½ minutes, after a first build of .build-tsan of about 16 (README, "Tests and CI").
#
#   scripts/tsan.sh                        # HTTPTests, then ServiceTests
#   scripts/tsan.sh RouterTests CORSTests  # other filters, one run each
set -euo pipefail
cd "$(dirname "$0")/.."
filters=("$@")
[ ${#filters[@]} -gt 0 ] || filters=(HTTPTests ServiceTests)
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
failed=()
for filter in "${filters[@]}"; do
    swift test --skip-build --sanitize=thread --scratch-path .build-tsan --no-parallel --filter "$filter" || failed+=("$filter")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "failed under the thread sanitizer: ${failed[*]}" >&2
    exit 1
fi
