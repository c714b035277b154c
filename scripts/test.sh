#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build,
# and pass the whole test suite twice, once as built for users and once
# under AddressSanitizer + UndefinedBehaviorSanitizer, then run every fuzzer
# briefly. Lab tests need root and network namespaces: with CI=true they fail
# loudly without them; elsewhere they skip with a message.
#
# CI has two cores and the lab tests spend most of their time waiting for
# packets and timeouts, so the steps overlap (each line "== Ns: ..." says
# when one starts or ends):
#
#   test tools (apt)        | plain build, then    | plain tests: unit, lab, lab-binary
#                           | the zoo (apt) beside |
#   sanitizer scanner build                        | lab-binary against the sanitizer scanner
#                                                  | sanitizer tests build, fuzzers (nice 19) | sanitizer unit, lab
#
# The two lab-binary runs go side by side (each test in its own namespaces,
# one at a time within a run): measured, neither slows the other down, and
# the builds at nice 19 get only what the tests leave (CFS weighs them 15
# against 1024).
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
# A failed step ends the script: the builds, installs and fuzzers still
# running in the background go with it.
kill_tree() { local child; for child in $(pgrep -P "$1"); do kill_tree "$child"; done; kill "$1" 2> /dev/null || true; }
trap 'for job in $(jobs -p); do kill_tree "$job"; done; rm -rf "$tmp"' EXIT
# Where CI's minutes go: one line per step, seconds since the start.
step() { echo "== ${SECONDS}s: $*"; }

# stage NAME CMD...: runs CMD with its output kept in $tmp/NAME.out and its
# exit code in $tmp/NAME.rc (meant to run in the background); await NAME
# waits for that code and fails the script, with the output's tail, on
# anything but 0.
stage() {
  local name=$1 rc=0
  shift
  "$@" > "$tmp/$name.out" 2>&1 || rc=$?
  echo "$rc" > "$tmp/$name.rc"
}
await() {
  local name=$1
  while [[ ! -s $tmp/$name.rc ]]; do sleep 1; done
  if [[ $(< "$tmp/$name.rc") != 0 ]]; then
    [[ -e $tmp/$name.log ]] && tail -n 200 "$tmp/$name.log"
    tail -n 80 "$tmp/$name.out"
    echo "test.sh: step \"$name\" failed" >&2
    exit 1
  fi
  step "$name finished"
}

# suite_run NAME DIR LABELS [ctest selection...]: one ctest run, its output
# in $tmp/NAME.log (and on stdout unless QUIET=1). It fails when a test
# fails, when ctest finds no test, when one of LABELS (each must be in the
# selection) has no test, or when fewer tests ran than the selection holds:
# a build configured without its tests must not pass as a suite that passed.
# suite_count NAME prints its line and adds it to the closing line.
suite_run() {
  local name=$1 dir=$2 labels=$3 held ran label n per_label= skipped rc=0
  shift 3
  for label in $labels; do
    n=$(cd "$dir" && ctest -N "$@" -L "^$label\$" | awk '/^Total Tests:/{print $3}')
    if ((${n:-0} == 0)); then
      echo "test.sh: step \"$name\": no test labelled $label in $dir (configured without its tests?)" >&2
      return 1
    fi
    per_label+=", $label $n"
  done
  held=$(cd "$dir" && ctest -N "$@" | awk '/^Total Tests:/{print $3}')
  if [[ ${QUIET:-0} == 1 ]]; then
    (cd "$dir" && ctest --output-on-failure --no-tests=error -j2 "$@") > "$tmp/$name.log" 2>&1 || rc=$?
  else
    (cd "$dir" && ctest --output-on-failure --no-tests=error -j2 "$@") 2>&1 | tee "$tmp/$name.log" || rc=$?
  fi
  ((rc == 0)) || { echo "test.sh: step \"$name\": ctest failed" >&2; return 1; }
  ran=$(grep -oE 'tests failed out of [0-9]+' "$tmp/$name.log" | awk '{print $5}')
  if ((${ran:-0} == 0 || ran != held)); then
    echo "test.sh: step \"$name\": ${ran:-0} tests ran, the suite holds $held" >&2
    return 1
  fi
  skipped=$(grep -c '(Skipped)$' "$tmp/$name.log" || true)
  echo "$ran" > "$tmp/$name.ran"
  echo "$name: ${per_label#, } (all $ran passed${skipped:+, $skipped of them skipped})" > "$tmp/$name.line"
}
total=0 counts=
suite_count() {
  local name=$1 ran
  cat "$tmp/$name.line"
  ran=$(< "$tmp/$name.ran")
  total=$((total + ran))
  counts+=", $name $ran"
}

# -O1 with line tables only: sanitizer reports keep file:line, and the build
# takes a fraction of RelWithDebInfo's time on CI's two cores. lab_tests is
# not built again: the plain build's lab_tests runs the sanitizer binary
# (TOJIMARI_BIN), which is what those tests exercise.
# The tests' own code at -O0: instrumented, -O1 costs a third more build time
# and the code under test keeps -O1.
asan=(build-asan -DTJ_SANITIZE=ON -DTJ_LAB_TESTS=OFF -DTJ_FUZZ=OFF -DCMAKE_BUILD_TYPE=Debug
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DTJ_TEST_COMPILE_OPTIONS="-O0;-g0")
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# ready NAME: waits for a stage's exit code; true when it was 0.
ready() {
  while [[ ! -s $tmp/$1.rc ]]; do sleep 1; done
  [[ $(< "$tmp/$1.rc") == 0 ]]
}

# The sanitizer side, in the background. Its scanner needs only what the
# first command installed, so it builds while the test tools install. Then,
# once the plain build (whose lab_tests it runs) and the zoo are in, two at
# once: the lab tests against it and, at nice 19, the sanitizer unit tests'
# build followed by the fuzzers (their clang build, then each for
# FUZZ_SECONDS; at nice 19 a fuzzer runs its seconds with fewer inputs).
(
  stage asan-scanner env TJ_BUILD_TARGETS=tojimari bash scripts/build.sh "${asan[@]}" -DTJ_TESTS=OFF
  ready asan-scanner && ready plain-build || exit 0
  (
    stage asan-tests nice -n 19 bash scripts/build.sh "${asan[@]}" -DTJ_TESTS=ON
    ready asan-tests || exit 0
    stage fuzzers nice -n 19 bash tests/fuzz/run_fuzzers.sh "${FUZZ_SECONDS:-10}"
  ) &
  ready zoo || exit 0
  export QUIET=1 TOJIMARI_BIN="$PWD/build-asan/tojimari"
  stage lab-vs-sanitizer-binary suite_run lab-vs-sanitizer-binary build lab-binary -L lab-binary
  wait
) &

step "test tools; beside them: the sanitizer build of the scanner"
bash scripts/deps.sh tools
# The lab's servers (the zoo: hundreds of packages) install beside the build,
# which needs none of them.
stage zoo bash scripts/deps.sh test &

# Every option the suite depends on is given on every run: build/ may have
# been configured by scripts/run.sh (tests off) or by hand, and CMake's cache
# keeps whatever it was told last.
step "build; beside it: the zoo's install"
stage plain-build bash scripts/build.sh build -DTJ_TESTS=ON -DTJ_LAB_TESTS=ON -DTJ_SANITIZE=OFF -DTJ_FUZZ=OFF
tail -n 3 "$tmp/plain-build.out"
await plain-build

step "tests; beside them: the lab tests against the sanitizer binary"
await zoo
QUIET=0 suite_run plain build "unit lab lab-binary" || exit 1
suite_count plain

await asan-scanner
await lab-vs-sanitizer-binary
grep -E 'Passed|Failed|tests passed|Total Test time' "$tmp/lab-vs-sanitizer-binary.log" | tail -n 4
suite_count lab-vs-sanitizer-binary

await asan-tests
QUIET=0 suite_run sanitizer build-asan "unit lab" || exit 1
suite_count sanitizer
await fuzzers
grep '^==\|^all fuzzers' "$tmp/fuzzers.out"

# One closing line for the ctest runs (each has failed the script already
# if anything failed).
step done
echo "all: $total passed, 0 failed (${counts#, })"
