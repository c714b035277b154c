#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default
# 60). Exits non-zero when the build fails or any fuzzer finds a crash, a
# sanitizer report, a leak or a timeout; the input that did it is kept in
# $build/artifacts/ and its path printed.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS]
#   TJ_FUZZ_BUILD=dir  build directory (default: build-fuzz at the top)
#   TJ_FUZZ_JOBS=n     parallel build jobs (default 2)
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TJ_FUZZ_BUILD:-$root/build-fuzz}

generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DTJ_FUZZ=ON -DTJ_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" -j"${TJ_FUZZ_JOBS:-2}" --target fuzzers

# Every fuzzer tests/fuzz/CMakeLists.txt defines, so a new one needs no edit here.
fuzzers=()
for bin in "$build"/tests/fuzz/*_fuzzer; do
  [[ -x $bin ]] && fuzzers+=("$(basename "$bin" _fuzzer)")
done
((${#fuzzers[@]})) || { echo "no fuzzers built in $build/tests/fuzz" >&2; exit 1; }

failed=()
mkdir -p "$build/artifacts"
for name in "${fuzzers[@]}"; do
  # New inputs go to a working corpus in the build dir; the seeds in the tree
  # are only read, so a run never dirties the source tree.
  work="$build/corpus/$name"
  mkdir -p "$work"
  log="$build/$name.log"
  seeds=()
  [[ -d $root/tests/fuzz/corpus/$name ]] && seeds=("$root/tests/fuzz/corpus/$name")
  echo "== ${name}_fuzzer for ${seconds}s"
  if "$build/tests/fuzz/${name}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
      "$work" "${seeds[@]}" > "$log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
    echo "   ok: $runs executions, $cov, corpus $(ls "$work" | wc -l) files"
  else
    echo "   FAILED: see $log"
    grep -E 'ERROR|runtime error|Test unit written|SUMMARY' "$log" | head -20 || true
    failed+=("$name")
  fi
done

if ((${#failed[@]})); then
  echo "fuzzers that found a problem: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzzers ran ${seconds}s without finding a problem"
