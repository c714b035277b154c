#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build,
# and pass the whole test suite twice, once as built for users and once
# under AddressSanitizer + UndefinedBehaviorSanitizer, then run every fuzzer
# briefly. Lab tests need root and network namespaces: with CI=true they fail
# loudly without them; elsewhere they skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

bash scripts/build.sh build
(cd build && ctest --output-on-failure -j1)

bash scripts/build.sh build-asan -DTJ_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j1)

bash tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-15}"
