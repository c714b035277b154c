#!/usr/bin/env bash
# Configures and builds tojimari. Usage: build.sh DIR [cmake options...]
# TJ_BUILD_TARGETS="a b": build only those targets (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
targets=()
for t in ${TJ_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$dir" -j2 "${targets[@]}"
