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

bash scripts/build.sh build
(cd build && ctest --output-on-failure -j1) | tee -a "$log"

# -O1 with line tables only: sanitizer reports keep file:line, and the build
# takes a fraction of RelWithDebInfo's time on CI's two cores.
bash scripts/build.sh build-asan -DTJ_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j1) | tee -a "$log"

bash tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-10}"

# One closing line for both ctest runs (each has failed the script already
# if anything failed, through pipefail).
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | awk '{s += $5} END {print s + 0}')
echo "all: $total passed, 0 failed"
