#!/usr/bin/env bash
# Installs dependencies, builds everything, and runs the whole test suite.
# Usage: scripts/test.sh [default|asan]   (default: default)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
# A third-party server built static from Debian's sources (lighttpd), for
# tests/e2e/server_test.cc: apt-get source and a ~20 s build the first time.
cmake --build --preset "$preset" --target static_server
if [[ -e /dev/kvm ]]; then echo "test: /dev/kvm present"; else echo "test: no /dev/kvm: KVM tests will skip"; fi
ctest --preset "$preset" -j2
