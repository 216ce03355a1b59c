#!/usr/bin/env bash
# The xen backend's tests on the real Xen hypervisor: boots Debian's Xen 4.17 with a Debian dom0
# under QEMU's software CPU (scripts/xen/run-on-xen.sh, about 20 s) and, in that ONE dom0 boot,
# runs tests/xen/dom0_suite.sh: every xen instance of the e2e suite (differential against native
# runs in the same dom0, faults, mounts, busybox and bash-static) and of the hostile suite, then
# the xen benchmarks. A skip fails, as does a suite that ran no xen test.
#
#   usage: scripts/xen-test.sh [PRESET]   (default: default; builds it if needed)
#
# Environment: XEN_WORK (default /tmp/hv-xen) and XEN_TIMEOUT (default 1500 s here) pass through
# to run-on-xen.sh. The benchmark table is printed with the suite's output. Numbers from here are
# emulated-CPU numbers: they prove the path, not its speed.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
B=$PWD/build/$preset
if [[ ! -x $B/bin/hvrun || ! -x $B/bin/hv_e2e_test || ! -x $B/bin/hv_hostile_test || ! -x $B/bin/hv_bench ]]; then
  cmake --preset "$preset"
  cmake --build --preset "$preset"
fi
for p in /bin/busybox /bin/bash-static; do
  [[ -x $p ]] || { echo "xen-test: $p is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
export XEN_TIMEOUT=${XEN_TIMEOUT:-1500}
# What the suite runs, at the same paths (run-on-xen.sh adds each dynamic binary's libraries).
files=()
for f in hvrun hvrun-runtime.elf hv_e2e_test hv_hostile_test hv_bench hello \
         hv_bench_syscall_loop hv_bench_hypercall_loop; do
  files+=(--file "$B/bin/$f")
done
# Debian's own dynamic programs the e2e suite runs (with their libraries).
for f in "$B/tests/programs/bin" "$B/tests/hostile/guests/bin" "$PWD/tests/e2e/scripts" \
         "$PWD/tests/xen/dom0_suite.sh" /bin/bash-static /bin/ls /bin/cat /usr/bin/sort \
         /usr/bin/sqlite3; do
  files+=(--file "$f")
done
echo "xen-test: booting Xen 4.17 + dom0 under QEMU (TCG) for the xen suite"
rc=0
scripts/xen/run-on-xen.sh --dom0 "${files[@]}" -- /bin/busybox sh "$PWD/tests/xen/dom0_suite.sh" "$B" \
  || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "xen-test: FAILED (exit $rc; Xen's serial log: ${XEN_WORK:-/tmp/hv-xen}/serial.log)" >&2
  exit "$rc"
fi
echo "xen-test: passed"
