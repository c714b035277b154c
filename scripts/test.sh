#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build,
# and pass the whole test suite twice, once as built for users and once
# under AddressSanitizer + UndefinedBehaviorSanitizer, then run every fuzzer
# briefly. Lab tests need root and network namespaces: with CI=true they fail
# loudly without them; elsewhere they skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test

tmp=$(mktemp -d)
# A failed step ends the script: the builds and fuzzers still running in the
# background go with it.
kill_tree() { local child; for child in $(pgrep -P "$1"); do kill_tree "$child"; done; kill "$1" 2> /dev/null || true; }
trap 'for job in $(jobs -p); do kill_tree "$job"; done; rm -rf "$tmp"' EXIT
# Where CI's minutes go: one line per step, seconds since the start.
step() { echo "== ${SECONDS}s: $*"; }
# suite NAME DIR LABELS [ctest selection...]: one ctest run. It fails the
# script when a test fails, when ctest finds no test, when one of LABELS
# (each must be in the selection) has no test, or when fewer tests ran than
# the selection holds: a build configured without its tests must not pass
# as a suite that passed.
total=0 counts=
suite() {
  local name=$1 dir=$2 labels=$3 held ran label n per_label=
  shift 3
  for label in $labels; do
    n=$(cd "$dir" && ctest -N "$@" -L "^$label\$" | awk '/^Total Tests:/{print $3}')
    if ((${n:-0} == 0)); then
      echo "test.sh: step \"$name\": no test labelled $label in $dir (configured without its tests?)" >&2
      exit 1
    fi
    per_label+=", $label $n"
  done
  held=$(cd "$dir" && ctest -N "$@" | awk '/^Total Tests:/{print $3}')
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j2 "$@") | tee "$tmp/$name.log"
  ran=$(grep -oE 'tests failed out of [0-9]+' "$tmp/$name.log" | awk '{print $5}')
  if ((${ran:-0} == 0 || ran != held)); then
    echo "test.sh: step \"$name\": ${ran:-0} tests ran, the suite holds $held" >&2
    exit 1
  fi
  local skipped
  skipped=$(grep -c '(Skipped)$' "$tmp/$name.log" || true)
  echo "$name: ${per_label#, } (all $ran passed${skipped:+, $skipped of them skipped})"
  total=$((total + ran))
  counts+=", $name $ran"
}
# A step run in the background at the lowest CPU priority, its output kept
# for when it is waited for: the lab tests spend most of their time waiting
# for packets and timeouts, and the next build uses those idle cores. At
# nice 19 it gets only what the tests leave (CFS weighs it 15 against their
# 1024), so the tests' scanners run as if alone.
background() { local name=$1; shift; (nice -n 19 "$@" > "$tmp/$name.out" 2>&1) & }
finish() {
  local name=$1 pid=$2
  if ! wait "$pid"; then
    tail -n 60 "$tmp/$name.out"
    echo "$name failed" >&2
    exit 1
  fi
  step "$name finished"
}

# Every option the suite depends on is given on every run: build/ may have
# been configured by scripts/run.sh (tests off) or by hand, and CMake's cache
# keeps whatever it was told last.
step build
bash scripts/build.sh build -DTJ_TESTS=ON -DTJ_LAB_TESTS=ON -DTJ_SANITIZE=OFF -DTJ_FUZZ=OFF

# -O1 with line tables only: sanitizer reports keep file:line, and the build
# takes a fraction of RelWithDebInfo's time on CI's two cores. lab_tests is
# not built again: the plain build's lab_tests runs the sanitizer binary
# (TOJIMARI_BIN), which is what those tests exercise.
# The tests' own code at -O0: instrumented, -O1 costs a third more build time
# and the code under test keeps -O1.
asan=(build-asan -DTJ_SANITIZE=ON -DTJ_TESTS=ON -DTJ_LAB_TESTS=OFF -DTJ_FUZZ=OFF -DCMAKE_BUILD_TYPE=Debug
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTJ_TEST_COMPILE_OPTIONS="-O0;-g0")
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

# Each build goes in the background while tests that mostly wait run.
step "tests; in the background: the sanitizer build of the scanner"
background asan-scanner env TJ_BUILD_TARGETS=tojimari bash scripts/build.sh "${asan[@]}"
asan_scanner=$!
suite plain build "unit lab lab-binary"
finish asan-scanner $asan_scanner

step "lab tests against the sanitizer binary; in the background: the sanitizer build of the tests"
background asan-tests bash scripts/build.sh "${asan[@]}"
asan_tests=$!
TOJIMARI_BIN="$PWD/build-asan/tojimari" suite lab-vs-sanitizer-binary build lab-binary -L lab-binary
finish asan-tests $asan_tests

# The fuzzers (their clang build, then each for FUZZ_SECONDS): at nice 19 a
# fuzzer runs its seconds with fewer inputs.
step "tests-asan; in the background: the fuzzers"
background fuzzers bash tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-10}"
fuzz=$!
suite sanitizer build-asan "unit lab"
finish fuzzers $fuzz
grep '^==\|^all fuzzers' "$tmp/fuzzers.out"

# One closing line for the ctest runs (each has failed the script already
# if anything failed).
step done
echo "all: $total passed, 0 failed (${counts#, })"
