#!/usr/bin/env bash
# The README's first command: install what is missing, build, and scan this
# machine (or the targets and options given, e.g. `run.sh -p- 127.0.0.1`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh build -DTJ_TESTS=OFF
if (($#)); then
  exec ./build/tojimari "$@"
fi
exec ./build/tojimari --reason 127.0.0.1
