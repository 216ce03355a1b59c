#!/usr/bin/env bash
# The kvm backend's tests where this machine has no usable /dev/kvm: boots Debian's kernel under
# QEMU's software CPU with emulated SVM (scripts/kvm-in-qemu.sh, docs/kvm-in-qemu.md) and, in that
# ONE boot, runs every kvm instance of the e2e suite (differential against native runs in the same
# VM: static, static-pie, Debian's dynamic ls/cat/sort, python3 and sqlite3 with --rootfs=/,
# memory like a process, shared file mappings, faults, mounts, busybox and bash-static) and of the
# hostile suite. A skip is a failure. Where /dev/kvm is usable, the README's test command has run
# these on it already, and this script says so and stops.
#
#   usage: scripts/kvm-test.sh [PRESET]   (default: default; builds it if needed)
#
# Environment: KVMQ_* pass through to kvm-in-qemu.sh (KVMQ_TIMEOUT defaults to 1500 s here).
# Emulated-CPU timings: they prove the path, not its speed.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
B=$PWD/build/$preset
if [[ -r /dev/kvm && -w /dev/kvm ]] && "$B/bin/hvrun" --backend=kvm "$B/bin/hello" >/dev/null 2>&1; then
  echo "kvm-test: /dev/kvm is usable here: the README's test command ran the kvm tests on it"
  exit 0
fi
if [[ ! -x $B/bin/hvrun || ! -x $B/bin/hv_e2e_test || ! -x $B/bin/hv_hostile_test ]]; then
  cmake --preset "$preset"
  cmake --build --preset "$preset"
fi
for p in /bin/busybox /bin/bash-static /usr/bin/python3 /usr/bin/sqlite3; do
  [[ -x $p ]] || { echo "kvm-test: $p is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
export KVMQ_TIMEOUT=${KVMQ_TIMEOUT:-1500}
py_lib=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
suite=$(mktemp -d /tmp/hv-kvm-test.XXXXXX)
trap 'rm -rf "$suite"' EXIT
# Excluded: BlockedStdio's write case, which fails on the VM's Linux 6.1 for the sim backend too
# (docs/kvm-in-qemu.md); ProbeCache.AForgedYesIsNotTrusted, which has nothing to test where
# sysretq works (here it does: there is no cached "no" to forge).
cat >"$suite/suite.sh" <<SUITE
#!/bin/sh
# Every instruction is emulated: a run that takes a second on hardware takes a minute here.
export HV_E2E_TIMEOUT_S=300
failed=0
run() {  # run NAME BINARY FILTER
  echo "=== kvm suite: \$1 ==="
  "\$2" "--gtest_filter=\$3" >"$suite/\$1.log" 2>&1
  rc=\$?
  cat "$suite/\$1.log"
  ran=\$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran\..*/\1/p' "$suite/\$1.log")
  if [ "\$rc" != 0 ]; then echo "kvm suite: \$1 FAILED (exit \$rc)"; failed=1
  elif grep -q '^\[  SKIPPED \]' "$suite/\$1.log"; then echo "kvm suite: \$1 FAILED: a skip"; failed=1
  elif [ -z "\$ran" ] || [ "\$ran" = 0 ]; then echo "kvm suite: \$1 FAILED: no test ran"; failed=1
  else echo "kvm suite: \$1 passed (\$ran tests)"; fi
}
run e2e "$B/bin/hv_e2e_test" '*kvm*-*BlockedStdio*kvm_write*:*StaticServer*'
run hostile "$B/bin/hv_hostile_test" '*kvm*:ProbeCache*-ProbeCache.AForgedYesIsNotTrusted'
exit \$failed
SUITE
echo "kvm-test: booting Linux under QEMU (TCG, emulated SVM) for the kvm suite"
rc=0
scripts/kvm-in-qemu.sh --dir "$B/bin" --dir "$B/tests/programs/bin" --dir "$B/tests/hostile/guests/bin" \
  --dir "$PWD/tests/e2e/scripts" --dir "$suite" --file /bin/bash-static --file /bin/ls \
  --file /bin/cat --file /usr/bin/sort --file /usr/bin/env --file /usr/bin/sqlite3 \
  --file /usr/bin/python3 --dir "$py_lib" -- /bin/busybox sh "$suite/suite.sh" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "kvm-test: FAILED (exit $rc; the VM's logs: ${KVMQ_WORK:-/tmp/hv-kvm-qemu}/runs)" >&2
  exit "$rc"
fi
echo "kvm-test: passed"
