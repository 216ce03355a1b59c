#!/usr/bin/env bash
# install_and_consume.sh BUILD_DIR CONSUMER_SRC WORK_DIR [CMAKE] [GENERATOR]
#
# The SDK as a user gets it:
#   1. builds BUILD_DIR (cmake --install needs every installed target built;
#      a no-op after a full build),
#   2. installs it with `cmake --install BUILD_DIR --prefix`, then moves the
#      install elsewhere (the package must be relocatable),
#   3. configures and builds CONSUMER_SRC (find_package(hvsdk) +
#      hv_add_executable) with -DCMAKE_PREFIX_PATH=<install>,
#   4. checks the app is static and runs it natively,
#   5. runs it with <install>/bin/hvrun --backend=sim and checks its output.
# Every failure is a test failure with a message saying what was wrong;
# nothing is skipped (a missing hvrun in the install fails step 5).
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 BUILD_DIR CONSUMER_SRC WORK_DIR [CMAKE] [GENERATOR]" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
CONSUMER_SRC=$(cd "$2" && pwd)
WORK=$3
CMAKE=${4:-cmake}
GENERATOR=${5:-}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
STAGE=$WORK/stage     # where cmake --install writes
PREFIX=$WORK/prefix   # where the install is used from, after a move

step "build $BUILD_DIR"
"$CMAKE" --build "$BUILD_DIR" || fail "building $BUILD_DIR failed"

step "install $BUILD_DIR to $STAGE, then move it to $PREFIX"
"$CMAKE" --install "$BUILD_DIR" --prefix "$STAGE" || fail "cmake --install $BUILD_DIR failed"
mv "$STAGE" "$PREFIX"
for f in include/hv/hv.h include/hv/abi.h; do
  [[ -f $PREFIX/$f ]] || fail "install lacks $f"
done
# The consumer prints the ABI version it was compiled against: the installed header's.
ABI=$(sed -n 's/^#define HV_ABI_VERSION \([0-9][0-9]*\).*/\1/p' "$PREFIX/include/hv/abi.h")
[[ -n $ABI ]] || fail "installed abi.h has no HV_ABI_VERSION"
[[ -n $(find "$PREFIX" -name libhvsdk.a -print -quit) ]] || fail "install lacks libhvsdk.a"
CONFIG=$(find "$PREFIX" -path '*/cmake/hvsdk/hvsdkConfig.cmake' -print -quit)
[[ -n $CONFIG ]] || fail "install lacks lib/cmake/hvsdk/hvsdkConfig.cmake"
for f in hvsdkConfigVersion.cmake hvsdkTargets.cmake HvAddExecutable.cmake; do
  [[ -f $(dirname "$CONFIG")/$f ]] || fail "install lacks $(dirname "$CONFIG")/$f"
done

step "configure and build the consumer against $PREFIX"
gen_args=()
[[ -n $GENERATOR ]] && gen_args=(-G "$GENERATOR")
"$CMAKE" -S "$CONSUMER_SRC" -B "$WORK/build" "${gen_args[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
  || fail "configuring the consumer against $PREFIX failed"
"$CMAKE" --build "$WORK/build" || fail "building the consumer failed"
APP=$WORK/build/consumer
[[ -x $APP ]] || fail "the consumer build made no $APP"

HVRUN=$(head -n1 "$WORK/build/hvrun_path.txt")
[[ $HVRUN == "$PREFIX/bin/hvrun" ]] ||
  fail "HVSDK_HVRUN_EXECUTABLE is '$HVRUN', expected '$PREFIX/bin/hvrun' (not relocatable?)"

step "check $APP is a static ELF"
phdrs=$(readelf -lW "$APP") || fail "readelf cannot read $APP"
dynamic=$(readelf -dW "$APP" 2>/dev/null || true)
[[ $phdrs != *INTERP* ]] || fail "$APP has a PT_INTERP: hv_add_executable() did not link it -static"
[[ $dynamic != *NEEDED* ]] || fail "$APP needs shared libraries: not linked -static"

# check_output NAME EXPECTED ACTUAL_FILE
check_output() {
  if ! diff -u <(printf '%s' "$2") "$3"; then
    fail "$1: output differs from the expected (above: - expected, + actual)"
  fi
}

step "run natively"
"$APP" one two >"$WORK/native.out" 2>"$WORK/native.err" ||
  fail "native run exited $? (stderr: $(cat "$WORK/native.err"))"
check_output "native run" "consumer: abi $ABI
consumer: backend=native
consumer: in_guest=0
consumer: console_write
consumer: console_write=24
consumer: nop=-38
consumer: monotonic=ok
consumer: nop_calls=0
consumer: argc=3 one two
" "$WORK/native.out"

step "run under $HVRUN --backend=sim"
if [[ ! -e $HVRUN ]]; then
  fail "hvrun is missing from the install: no $HVRUN (the 'hvrun' target must install to bin/)"
fi
[[ -x $HVRUN ]] || fail "$HVRUN is not executable"
status=0
"$HVRUN" --backend=sim "$APP" one two >"$WORK/sim.out" 2>"$WORK/sim.err" || status=$?
if [[ $status -ne 0 ]]; then
  cat "$WORK/sim.out"
  fail "hvrun --backend=sim exited $status (stderr: $(cat "$WORK/sim.err"))"
fi
check_output "hvrun --backend=sim" "consumer: abi $ABI
consumer: backend=sim
consumer: in_guest=1
consumer: console_write
consumer: console_write=24
consumer: nop=0
consumer: monotonic=ok
consumer: nop_calls=1
consumer: argc=3 one two
" "$WORK/sim.out"

echo "PASS: SDK installed, found, built and run natively and under hvrun --backend=sim"
