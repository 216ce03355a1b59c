#!/usr/bin/env bash
# Installs dependencies, builds hvrun, and runs examples/hello under it with
# the backend chosen automatically. Usage: scripts/quickstart.sh [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target hvrun hvrun_runtime hello sdk-hello
set -x
build/default/bin/hvrun build/default/bin/hello "$@"
