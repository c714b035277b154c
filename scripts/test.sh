#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build,
# and pass the whole test suite twice, once as built for users and once
# under AddressSanitizer + UndefinedBehaviorSanitizer, then run every fuzzer
# briefly. Lab tests need root and network namespaces: with CI=true they fail
# loudly without them; elsewhere they skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Where CI's minutes go: one line per step, seconds since the start.
step() { echo "== ${SECONDS}s: $*"; }

step build
bash scripts/build.sh build
step tests
(cd build && ctest --output-on-failure -j2) | tee -a "$log"

# -O1 with line tables only: sanitizer reports keep file:line, and the build
# takes a fraction of RelWithDebInfo's time on CI's two cores. lab_tests is
# not built again: the plain build's lab_tests runs the sanitizer binary
# (TOJIMARI_BIN), which is what those tests exercise.
# The tests' own code at -O0: instrumented, -O1 costs a third more build time
# and the code under test keeps -O1.
step build-asan
bash scripts/build.sh build-asan -DTJ_SANITIZE=ON -DTJ_LAB_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTJ_TEST_COMPILE_OPTIONS="-O0;-g0"
step tests-asan
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
(cd build-asan && ctest --output-on-failure -j2) | tee -a "$log"
step lab-asan-binary
(cd build && TOJIMARI_BIN="$PWD/../build-asan/tojimari" ctest --output-on-failure -j2 -L lab-binary) | tee -a "$log"

step fuzzers
bash tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-10}"

# One closing line for the ctest runs (each has failed the script already
# if anything failed, through pipefail).
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | awk '{s += $5} END {print s + 0}')
step done
echo "all: $total passed, 0 failed"
