#!/bin/sh
# Runs inside a Xen dom0 (busybox sh; scripts/xen-test.sh boots it): the xen
# backend's differential, fault, mount and hostile tests, then its benchmarks,
# all in this one dom0 boot. A skipped test is a failure here: on Xen every
# xen test must really run.
#   usage: dom0_suite.sh BUILD_DIR
set -u
B=${1:?usage: dom0_suite.sh BUILD_DIR}

# The run-on-xen initrd is a bare busybox system; give it what a Debian host
# has and the tests rely on (the natively run programs open /dev/std*,
# /dev/fd/N and write /tmp as an unprivileged program would).
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
chmod 1777 /tmp
[ -e /bin/bash-static ] || ln -s /usr/bin/bash-static /bin/bash-static
for a in true env printf echo; do [ -e /bin/$a ] || ln -s busybox /bin/$a; done
export HV_E2E_BACKENDS=xen

failed=0
# run_gtest NAME BINARY [EXCLUDED]: the xen instances of one gtest binary
# (but EXCLUDED, a gtest pattern); fails on any failure, skip, or when it
# ran no xen test at all.
run_gtest() {
  echo "=== xen suite: $1 ==="
  "$2" "--gtest_filter=*xen*${3:+-$3}" >/tmp/$1.log 2>&1
  rc=$?
  cat /tmp/$1.log
  ran=$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran\..*/\1/p' /tmp/$1.log)
  if [ "$rc" != 0 ]; then
    echo "xen suite: $1 FAILED (exit $rc)"; failed=1
  elif grep -q '^\[  SKIPPED \]' /tmp/$1.log; then
    echo "xen suite: $1 FAILED: tests were skipped, and a skip is a failure on Xen"; failed=1
  elif [ -z "$ran" ] || [ "$ran" = 0 ]; then
    echo "xen suite: $1 FAILED: no xen test ran"; failed=1
  else
    echo "xen suite: $1 passed ($ran tests)"
  fi
}

# Excluded: BlockedStdio's write case (a guest thread blocked writing 1 MiB
# to an unread stdout pipe must not stall the others). It fails in this
# dom0's Linux 6.1 for the sim backend too, not only for xen: the console
# service's io_uring pipe write behaves differently there than on the 6.x
# kernels CI and development use (see the issue 11 note).
#
# Also excluded: the cases that need memory like a process (64 threads with
# 8 MiB stacks, a 1 GiB heap, a 64 GiB reservation, a 1 GiB one read while
# still PROT_NONE): Xen populates all of a
# domain's RAM up front, so there --memory is the domain's size (512 MiB by
# default), not a limit on use over a large address space as on sim and kvm.
# And python3 with --rootfs=/: its 54 MiB standard library is not copied into
# this dom0; and dyn_ls: this dom0's /bin/ls stays busybox's (static) link.
# Dynamic ELFs on xen are covered by sqlite3 with --rootfs=/.
run_gtest e2e "$B/bin/hv_e2e_test" \
  '*BlockedStdio*xen_write*:*xen_threads64:*xen_mem_1g:*xen_mem_reserve_64g:*xen_rootfs_python3:*xen_dyn_ls:*ReadingAnUntouchedReservation/xen'

run_gtest hostile "$B/bin/hv_hostile_test"

echo "=== xen suite: bench (emulated CPU: QEMU TCG, numbers prove the path, not speed) ==="
if "$B/bin/hv_bench" '--benchmark_filter=^BM_(Syscall_Native|Syscall_NativeProcess|StartToExit_Native|Syscall_Xen|SyscallByWall_Xen|Hypercall_Xen|StartToExit_Xen)(/|$)' \
     --benchmark_format=console \
     >/tmp/bench.log 2>&1; then
  cat /tmp/bench.log
  if grep -q 'ERROR OCCURRED' /tmp/bench.log || [ "$(grep -c '^BM_.*_Xen' /tmp/bench.log)" != 4 ]; then
    echo "xen suite: bench FAILED (an error, or not the 4 xen benchmarks)"; failed=1
  fi
else
  cat /tmp/bench.log; echo "xen suite: bench FAILED"; failed=1
fi

# hvrun killed outright (SIGKILL: nothing in hvrun runs) while its guest
# spins: its reaper process (xen_reaper.h) must destroy the domain.
echo "=== xen suite: SIGKILLed hvrun leaves no domain ==="
"$B/bin/hvrun" --backend=xen --memory=64M "$B/tests/programs/bin/spin_forever" >/tmp/spin.out 2>&1 &
spin=$!
i=0
while [ "$(xl list | tail -n +2 | grep -vc '^Domain-0 ')" = 0 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i+1)); done
sleep 1
kill -9 "$spin"; wait "$spin" 2>/dev/null
i=0
while [ "$(xl list | tail -n +2 | grep -vc '^Domain-0 ')" != 0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
cat /tmp/spin.out
if [ "$(xl list | tail -n +2 | grep -vc '^Domain-0 ')" != 0 ]; then
  echo "xen suite: FAILED: the domain of a SIGKILLed hvrun was left"; xl list; failed=1
else
  echo "xen suite: the reaper destroyed the domain of the SIGKILLed hvrun"
fi

# Every domain hvrun built is gone (hvrun destroys it on every path, a
# signal during loading included): xl lists only Domain-0.
echo "=== xen suite: domains left ==="
xl list
if [ "$(xl list | tail -n +2 | grep -vc '^Domain-0 ')" != 0 ]; then
  echo "xen suite: FAILED: hvrun left domains behind"; failed=1
fi

[ "$failed" = 0 ] && echo "xen suite: all passed"
exit "$failed"
