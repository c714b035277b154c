#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default
# 60). Exits non-zero when the build fails or any fuzzer finds a crash, a
# sanitizer report, a leak or a timeout; the input that did it is kept in
# $build/artifacts/ and its path printed.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS]
#   TJ_FUZZ_BUILD=dir  build directory (default: build-fuzz at the top)
#   TJ_FUZZ_JOBS=n     parallel build jobs and fuzzers run at once (default 2)
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TJ_FUZZ_BUILD:-$root/build-fuzz}

generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DTJ_FUZZ=ON -DTJ_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1" > /dev/null
cmake --build "$build" -j"${TJ_FUZZ_JOBS:-2}" --target fuzzers

# Every fuzzer tests/fuzz/CMakeLists.txt defines, so a new one needs no edit here.
fuzzers=()
for bin in "$build"/tests/fuzz/*_fuzzer; do
  [[ -x $bin ]] && fuzzers+=("$(basename "$bin" _fuzzer)")
done
((${#fuzzers[@]})) || { echo "no fuzzers built in $build/tests/fuzz" >&2; exit 1; }

# One fuzzer: its verdict goes to $build/NAME.verdict, its report to stdout
# once it is done (fuzzers run side by side, one per build job).
fuzz_one() {
  local name=$1 work="$build/corpus/$1" log="$build/$1.log" seeds=() out runs cov
  # New inputs go to a working corpus in the build dir; the seeds in the tree
  # are only read, so a run never dirties the source tree.
  mkdir -p "$work"
  [[ -d $root/tests/fuzz/corpus/$name ]] && seeds=("$root/tests/fuzz/corpus/$name")
  if "$build/tests/fuzz/${name}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
      "$work" "${seeds[@]}" > "$log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
    out="== ${name}_fuzzer for ${seconds}s: ok, $runs executions, $cov, corpus $(ls "$work" | wc -l) files"
    echo ok > "$build/$name.verdict"
  else
    out="== ${name}_fuzzer for ${seconds}s: FAILED, see $log"$'\n'
    out+=$(grep -E 'ERROR|runtime error|Test unit written|SUMMARY' "$log" | head -20 || true)
    echo failed > "$build/$name.verdict"
  fi
  echo "$out"
}

mkdir -p "$build/artifacts"
jobs=${TJ_FUZZ_JOBS:-2}
running=0
for name in "${fuzzers[@]}"; do
  rm -f "$build/$name.verdict"
  if ((running >= jobs)); then wait -n || true; running=$((running - 1)); fi
  fuzz_one "$name" &
  running=$((running + 1))
done
wait

failed=()
for name in "${fuzzers[@]}"; do
  [[ $(cat "$build/$name.verdict" 2>/dev/null) == ok ]] || failed+=("$name")
done

if ((${#failed[@]})); then
  echo "fuzzers that found a problem: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzzers ran ${seconds}s without finding a problem"
