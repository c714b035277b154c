#!/usr/bin/env bash
# The README's first command: install what building and running tojimari
# needs (only that: no server, no removal; scripts/deps.sh run), build, and
# scan this machine (or the targets and options given, e.g.
# `run.sh -p- 127.0.0.1`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh run
# The tests are off here, and every option that says so is given on each
# run: scripts/test.sh sets them back in the same build directory.
bash scripts/build.sh build -DTJ_TESTS=OFF -DTJ_LAB_TESTS=OFF -DTJ_SANITIZE=OFF
if (($#)); then
  exec ./build/tojimari "$@"
fi
exec ./build/tojimari --reason 127.0.0.1
