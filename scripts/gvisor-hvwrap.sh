#!/bin/bash
# gvisor-hvwrap.sh BACKEND PROG ARGS...: ../shared/conformance/gvisor/hvwrap.sh, copied (that
# kit is read-only) with one change: PROG's own directory is mounted read-only at the same path,
# so gtest's death tests, which fork and re-exec the test binary, find it, as they would in a
# container image that holds the binary.
#   HV=build/default/bin/hvrun bash ../shared/conformance/gvisor/run.sh /tmp/gv \
#     scripts/gvisor-hvwrap.sh sim > /tmp/sim.txt
# Runs PROG under hvrun ($HV) with the test's scratch directories mounted at the same paths and
# gVisor's test environment passed in.
set -u
be=$1; shift
flags=(--backend="$be" -v "$TEST_TMPDIR:$TEST_TMPDIR" -v "$PWD:$PWD")
prog_dir=$(cd "$(dirname "$1")" && pwd)
flags+=(-v "$prog_dir:$prog_dir:ro")
[[ -n ${TEST_SRCDIR:-} ]] && flags+=(-v "$TEST_SRCDIR:$TEST_SRCDIR:ro")
for k in TEST_TMPDIR TEST_SRCDIR GVISOR_PLATFORM_SUPPORT; do [[ -n ${!k:-} ]] && flags+=(-e "$k=${!k}"); done
# a working-directory flag, where hvrun has one (docker's -w)
help=$("$HV" --help 2>&1)
if [[ $help == *--workdir* ]]; then flags+=(--workdir="$PWD"); elif [[ $help == *--cwd* ]]; then flags+=(--cwd="$PWD"); fi
exec "$HV" "${flags[@]}" "$@"
