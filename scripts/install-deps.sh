#!/usr/bin/env bash
# Installs every Debian package hvrun needs to build, test and benchmark.
# Idempotent; run as root (or with sudo available). Debian bookworm.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev libprotobuf-dev protobuf-compiler liburing-dev
  libgtest-dev libgmock-dev libbenchmark-dev libxen-dev
  busybox-static bash-static
  python3 sqlite3  # Debian's own dynamic programs the e2e suite runs (--rootfs=/)
  clang-14 libclang-rt-14-dev  # libFuzzer and the sanitizers' runtimes (scripts/fuzz.sh)
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "install-deps: all dependencies present"
