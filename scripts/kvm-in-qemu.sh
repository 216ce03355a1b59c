#!/bin/bash
# Runs a command as root inside a throwaway Linux VM that has a working /dev/kvm, on a machine
# without one: QEMU's software CPU (TCG) emulates an AMD CPU with SVM (and nested paging), the
# guest kernel (Debian's linux-image) loads kvm + kvm_amd, and hvrun --backend=kvm then is a
# VMM nested inside the emulated machine. Proves behaviour, not speed: every instruction is emulated.
#
#   usage: scripts/kvm-in-qemu.sh [--file PATH]... [--dir PATH]... -- CMD [ARGS...]
#
# --file PATH  copy PATH into the guest at the same absolute path (a symlink is copied as what
#              it points to); a directory given to --file is treated as --dir
# --dir PATH   copy the directory tree at PATH into the guest at the same absolute path
# CMD itself is copied too when it is a path. Every dynamically linked ELF among these gets its
# shared libraries (and ld-linux) copied at the paths ldd finds them. The guest also has busybox
# (every applet, /bin/sh included, /bin/busybox itself); / (and /tmp) is the writable rootfs, in RAM.
# CMD runs as root, in the host's working directory when that exists in the guest (else /tmp), with
# PATH=/bin:/sbin:/usr/bin:/usr/sbin; use `env VAR=VALUE CMD` for more environment. Its stdout and
# stderr stream to our stdout between "=== kvm-in-qemu ... ===" marker lines; "kvmq:" lines on
# stderr say what the guest set up (svm flag, modules, /dev/kvm). Exit status: CMD's; 125 when the
# VM could not run CMD (no /dev/kvm, boot failure), 124 on timeout. The guest kernel's console
# log of each run stays in $KVMQ_WORK/runs/*/serial.log.
#
# Environment (all optional):
#   KVMQ_WORK=/tmp/hv-kvm-qemu   work dir (cache/ keeps the kernel package between runs)
#   KVMQ_TIMEOUT=1800            seconds before the VM is stopped (exit 124)
#   KVMQ_STALL=120               seconds without the guest's heartbeat (exit 124); 0: no check
#   KVMQ_MEM=3072  KVMQ_SMP=2    guest memory (MiB; holds the initramfs too) and vCPUs
#   KVMQ_ACCEL=tcg,thread=single QEMU -accel. One host thread runs all vCPUs: with multi-threaded
#                                TCG (plain "tcg", QEMU 7.2) the guest froze within 7-100 e2e tests
#                                in 8 runs of 9, both vCPUs looping through int3 at kernel text that
#                                text_poke_bp was patching (KVM flips static keys as VMs come and
#                                go); single-threaded ran 300 tests without a hang, about as fast
#   KVMQ_CPU=                    QEMU -cpu model; default: the first of max, EPYC,+svm, qemu64,+svm
#                                whose expansion under TCG has svm
#   KVMQ_KERNEL_PKG=linux-image-amd64  the guest's Debian kernel package (or a meta package, e.g.
#                                linux-image-6.12-amd64 on bookworm)
#   KVMQ_MODULES="kvm kvm_amd"   modules to load, with their dependencies (modinfo -F depends)
#   KVMQ_TR_SHIM=1               0: without the guest-kernel shim for QEMU's busy-TR I/O bug (below)
#   KVMQ_REQUIRE_KVM=1           0: run CMD even when /dev/kvm is missing
#   KVMQ_VERBOSE=0               1: also copy the whole guest console to stderr as it comes
# Hangs: a guest loop writes its uptime to a second serial port every 5 s. When that heartbeat stops
# (the guest kernel is frozen) or the timeout comes, the script first saves diagnostics in the run's
# diag.txt (each vCPU's registers, 6 samples, and stack, with kernel addresses named from the guest's
# /proc/kallsyms; then SysRq w and l, blocked tasks and CPU backtraces, which land in serial.log),
# then stops QEMU. QEMU's QMP listens on the run's qmp.sock meanwhile (human-monitor-command runs
# any monitor command). $KVMQ_WORK/runs keeps the last 20 runs.
set -euo pipefail

usage="usage: kvm-in-qemu.sh [--file PATH]... [--dir PATH]... -- CMD [ARGS...]"
die() { echo "kvm-in-qemu: $*" >&2; exit 125; }

# --- arguments: absolute paths, symlinks in the path itself kept (the guest sees the same names)
FILES=() DIRS=()
abspath() { realpath -s -- "$1"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --file) [[ -e ${2:-} ]] || die "--file ${2:-}: no such file"
            if [[ -d $2 ]]; then DIRS+=("$(abspath "$2")"); else FILES+=("$(abspath "$2")"); fi
            shift 2 ;;
    --dir)  [[ -d ${2:-} ]] || die "--dir ${2:-}: no such directory"
            DIRS+=("$(abspath "$2")"); shift 2 ;;
    --)     shift; break ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*)     echo "kvm-in-qemu: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
    *)      break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "$usage" >&2; exit 2; }
[[ $1 == */* && -f $1 ]] && FILES+=("$(abspath "$1")")

W=${KVMQ_WORK:-/tmp/hv-kvm-qemu}
CACHE=$W/cache
TIMEOUT=${KVMQ_TIMEOUT:-1800}
STALL=${KVMQ_STALL:-120}
ACCEL=${KVMQ_ACCEL:-tcg,thread=single}
MEM=${KVMQ_MEM:-3072}
SMP=${KVMQ_SMP:-2}
MODULES=${KVMQ_MODULES:-kvm kvm_amd}
mkdir -p "$CACHE" "$W/runs"

# --- host tools (apt-get update only when something is missing)
missing=()
need() { command -v "$1" >/dev/null || missing+=("$2"); }
need qemu-system-x86_64 qemu-system-x86; need cpio cpio; need modinfo kmod; need xz xz-utils
need zstd zstd; need realpath coreutils; need python3 python3
# busybox-static provides /bin/busybox (busybox alone is dynamically linked)
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then missing+=(busybox-static); fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "kvm-in-qemu: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- the guest CPU: the first model whose full expansion under TCG has svm (asked through QMP,
# without booting anything)
cpu_has_svm() {  # $1: a -cpu string, e.g. "EPYC,+svm"
  local name=${1%%,*} plus="" f
  for f in $(tr ',' ' ' <<<"${1#"$name"}"); do plus+="\"${f#+}\":true,"; done
  printf '%s\n' '{"execute":"qmp_capabilities"}' \
    "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"$name\",\"props\":{${plus%,}}}}}" \
    '{"execute":"quit"}' |
    timeout 60 qemu-system-x86_64 -machine none -accel tcg -nodefaults -display none -qmp stdio 2>/dev/null |
    grep -q '"svm": true'
}
if [[ -n ${KVMQ_CPU:-} ]]; then
  CPU=$KVMQ_CPU
else
  CPU=""
  for c in max EPYC,+svm qemu64,+svm; do cpu_has_svm "$c" && { CPU=$c; break; }; done
  [[ -n $CPU ]] || die "no QEMU CPU model offers svm under TCG (set KVMQ_CPU)"
fi

# --- the guest kernel: Debian's linux-image, downloaded once into the cache (locked: runs may overlap)
# A meta package (linux-image-amd64, linux-image-6.12-amd64) stands for the image it depends on.
PKG=${KVMQ_KERNEL_PKG:-linux-image-amd64}
apt-cache show "$PKG" >/dev/null 2>&1 || apt-get update -qq
apt-cache show "$PKG" >/dev/null 2>&1 || die "no package $PKG (KVMQ_KERNEL_PKG)"
real=$(apt-cache depends "$PKG" | awk '/Depends: linux-image-/{print $2; exit}')
PKG=${real:-$PKG}
K=$CACHE/$PKG
exec 9>"$CACHE/lock"; flock 9
if [[ ! -f $K/ready ]]; then
  echo "kvm-in-qemu: downloading $PKG" >&2
  rm -rf "$K"; mkdir -p "$K/deb" "$K/x"
  (cd "$K/deb" && { apt-get download -q "$PKG" >/dev/null 2>&1 ||
                    { apt-get update -qq && apt-get download -q "$PKG" >/dev/null 2>&1; }; }) ||
    die "apt-get download $PKG failed"
  dpkg-deb -x "$K"/deb/*.deb "$K/x"
  cp "$K"/x/boot/vmlinuz-* "$K/vmlinuz"
  touch "$K/ready"
fi
KVER=$(basename "$(find "$K/x/lib/modules" -mindepth 1 -maxdepth 1 -type d -print -quit)")

# --- the TR shim (KVMQ_TR_SHIM=1, the default), a guest kernel module built once against the
# guest kernel's headers. QEMU's TCG checks a CPL>IOPL in/out against the TSS I/O bitmap only when
# TR's cached type is 9 (available TSS); with type 11 (busy, what a loaded TR has on real CPUs and
# what VMX requires, so what hvrun sets through KVM_SET_SREGS) it raises #GP whatever the bitmap
# says. The shim's kprobe on kvm_amd's svm_set_segment turns a busy TR into an available one, which
# in long mode changes nothing else on AMD (VMRUN does not check TR's type; no task switches).
SHIM=${KVMQ_TR_SHIM:-1}
if [[ $SHIM == 1 && ! -f $K/shim/kvmq_tr_shim.ko ]]; then
  echo "kvm-in-qemu: building the TR shim module for $KVER" >&2
  if [[ ! -d /lib/modules/$KVER/build ]] || ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
    apt-get install -y -qq "linux-headers-$KVER" make gcc >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq "linux-headers-$KVER" make gcc >/dev/null; }
  fi
  rm -rf "$K/shim"; mkdir -p "$K/shim"
  cat >"$K/shim/kvmq_tr_shim.c" <<'EOC'
// kvmq_tr_shim (scripts/kvm-in-qemu.sh): QEMU TCG's I/O-permission check wants TR's cached type
// to be 9 and raises #GP for a busy TSS (11), which real CPUs accept. A kprobe on kvm_amd's
// svm_set_segment turns a busy TR that userspace sets (KVM_SET_SREGS) into an available one.
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/module.h>

static atomic_t hits = ATOMIC_INIT(0);

static int pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kvm_segment *var = (struct kvm_segment *)regs->si;  /* (vcpu, var, seg) */

	if (regs->dx == VCPU_SREG_TR && var->type == 11) {
		var->type = 9;
		if (atomic_inc_return(&hits) == 1)
			pr_info("kvmq_tr_shim: a busy TR was set as available (type 11 -> 9)\n");
	}
	return 0;
}

static struct kprobe kp = { .symbol_name = "svm_set_segment", .pre_handler = pre };

static int __init shim_init(void)
{
	int rc = register_kprobe(&kp);

	if (rc)
		pr_err("kvmq_tr_shim: register_kprobe(svm_set_segment): %d\n", rc);
	else
		pr_info("kvmq_tr_shim: kprobe on svm_set_segment\n");
	return rc;
}

static void __exit shim_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(shim_init);
module_exit(shim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kvm-in-qemu: busy TR set as available, for QEMU TCG's nested SVM");
EOC
  echo 'obj-m := kvmq_tr_shim.o' >"$K/shim/Makefile"
  make -s -C "/lib/modules/$KVER/build" M="$K/shim" modules >"$K/shim/build.log" 2>&1 ||
    { cat "$K/shim/build.log" >&2; die "building the TR shim failed (KVMQ_TR_SHIM=0 runs without it)"; }
fi
flock -u 9

# modfile NAME: the module's file in the package (names may spell - or _)
modfile() {
  local f re=${1//[-_]/[-_]}
  f=$(find "$K/x/lib/modules" -regextype posix-extended -regex ".*/$re\.ko(\.xz|\.zst|\.gz)?" -print -quit)
  [[ -n $f ]] || die "module $1 is not in $PKG"
  echo "$f"
}
# The load order: each module after what it depends on.
ORDER=()
add_module() {
  local m=${1//-/_} d f
  [[ " ${ORDER[*]-} " == *" $m "* ]] && return
  f=$(modfile "$m")
  for d in $(modinfo -F depends "$f" | tr ',' ' '); do add_module "$d"; done
  ORDER+=("$m")
}
for m in $MODULES; do add_module "$m"; done
INSMOD=("${ORDER[@]}"); [[ $SHIM == 1 ]] && INSMOD+=(kvmq_tr_shim)

# --- the initramfs: two concatenated cpio archives (the kernel unpacks both into its rootfs):
# base.cpio (busybox, modules, init, --file copies and libraries, the directories that hold the
# --dir trees) and dirs.cpio (the --dir trees, archived straight from the host, no copy).
RUN=$(mktemp -d "$W/runs/$(date +%Y%m%d-%H%M%S).XXXX")
R=$RUN/root
LOG=$RUN/serial.log
# shellcheck disable=SC2317  # (called by the trap)
cleanup() {
  rm -rf "$R" "$RUN"/*.cpio "$RUN/qmp.sock"
  [[ -s $RUN/diag.txt ]] || rm -f "$RUN/kallsyms"   # (only diagnostics need it)
}
trap cleanup EXIT
find "$W/runs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +21 |
  cut -d' ' -f2- | while read -r old; do rm -rf "$old"; done
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,mods,etc,lib64,lib/x86_64-linux-gnu}
cp /bin/busybox "$R/bin/busybox"; ln -s busybox "$R/bin/sh"  # the rest: busybox --install in init
for m in "${ORDER[@]}"; do
  f=$(modfile "$m")
  case $f in  # busybox insmod takes plain .ko files
    *.xz)  xz -dc "$f" >"$R/mods/$m.ko" ;;
    *.zst) zstd -qdc "$f" >"$R/mods/$m.ko" ;;
    *.gz)  gzip -dc "$f" >"$R/mods/$m.ko" ;;
    *)     cp "$f" "$R/mods/$m.ko" ;;
  esac
done
[[ $SHIM == 1 ]] && cp "$K/shim/kvmq_tr_shim.ko" "$R/mods/"

# put PATH [AS]: copy a host file (its content, symlinks followed) into the guest tree
put() { local dst=$R${2:-$1}; mkdir -p "$(dirname "$dst")"; cp -L --preserve=mode,timestamps "$1" "$dst"; }
# The shared libraries (and ld-linux) of the dynamically linked ELF files among "$@".
put_libs() {
  local f l
  for f in "$@"; do
    [[ $(head -c 4 "$f" 2>/dev/null) == $'\x7fELF' ]] || continue
    ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]*ld-linux/{print $1}' || true
  done | sort -u | while read -r l; do [[ -e $R$l ]] || put "$l"; done
}
for f in ${FILES[@]+"${FILES[@]}"}; do put "$f"; done
put_libs ${FILES[@]+"${FILES[@]}"}
for d in ${DIRS[@]+"${DIRS[@]}"}; do
  mkdir -p "$R$(dirname "$d")"
  mapfile -t elves < <(find -H "$d" -type f \( -perm -u+x -o -name '*.so*' \))
  put_libs ${elves[@]+"${elves[@]}"}
done

# The init script: the command goes in as a quoted word list, the markers carry a per-run token
# (so CMD's own output cannot forge the exit status line).
SYMS=all; [[ -s $K/kallsyms.core ]] && SYMS=modules
TOKEN=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
CMDQ=$(printf '%q ' "$@")
cat >"$R/init" <<EOF
#!/bin/sh
# PID 1 of the kvm-in-qemu guest (generated by scripts/kvm-in-qemu.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
/bin/busybox --install -s
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs shm /dev/shm
chmod 1777 /tmp   # part of the writable rootfs (a tmpfs mounted there would hide copied files)
# what udev would add: /dev/fd and /dev/std{in,out,err} (programs and tests readlink them)
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
say() { echo "kvmq: \$*"; }
# the heartbeat (second serial port) that tells the host the guest kernel still runs
( while :; do cut -d' ' -f1 /proc/uptime >/dev/ttyS1; sleep 5; done ) </dev/null >/dev/null 2>&1 &
echo 1 >/proc/sys/kernel/sysrq   # for the host's diagnostics on a hang
say "kernel \$(uname -r), \$(grep -c ^processor /proc/cpuinfo) cpus, \$(awk '/MemTotal/{print int(\$2/1024)}' /proc/meminfo) MiB"
say "cpu: \$(grep -m1 '^vendor_id' /proc/cpuinfo | cut -d: -f2) \$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2)"
flags=" \$(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
for f in svm npt nrip_save vgif lbrv nx constant_tsc nonstop_tsc; do
  case "\$flags" in *" \$f "*) say "cpu flag \$f: yes";; *) say "cpu flag \$f: no";; esac
done
for m in ${INSMOD[*]}; do
  if out=\$(insmod /mods/\$m.ko 2>&1); then say "insmod \$m: ok"; else say "insmod \$m: FAILED: \$out"; fi
done
dmesg | grep -iE 'kvm|svm|taint' | sed 's/^/kvmq: dmesg: /'
# The kernel's symbols, for the host's diagnostics on a hang: those of the kernel itself once per
# kernel package (nokaslr: they stay put), the modules' each boot.
if [ $SYMS = all ]; then cat /proc/kallsyms >/dev/ttyS2; else grep '\\[' /proc/kallsyms >/dev/ttyS2; fi
if [ -c /dev/kvm ]; then say "/dev/kvm: present (\$(ls -l /dev/kvm))"; kvm=1; else say "/dev/kvm: MISSING"; kvm=0; fi
echo 4 >/proc/sys/kernel/printk   # inside CMD's output only kernel errors (lockups, RCU stalls)
dmesg -c >/dev/null
if [ \$kvm = 1 ] || [ ${KVMQ_REQUIRE_KVM:-1} = 0 ]; then
  cd $(printf '%q' "$PWD") 2>/dev/null || cd /tmp
  stty -onlcr 2>/dev/null
  echo "=== kvm-in-qemu $TOKEN: CMD output begins ==="
  start=\$(cut -d' ' -f1 /proc/uptime)
  ( $CMDQ ) </dev/null 2>&1
  rc=\$?
  end=\$(cut -d' ' -f1 /proc/uptime)
  stty onlcr 2>/dev/null
  printf '\n=== kvm-in-qemu %s: CMD output ends ===\n' $TOKEN   # (the follower drops the empty line)
  say "CMD took \$(awk "BEGIN{print \$end-\$start}") s of guest time"
  dmesg | tail -n 40 | sed 's/^/kvmq: dmesg during CMD: /'
  echo "KVMQ-RC-$TOKEN=\$rc"
fi
poweroff -f
EOF
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet >"$RUN/base.cpio")
: >"$RUN/dirs.cpio"
for d in ${DIRS[@]+"${DIRS[@]}"}; do
  (cd / && find -H "${d#/}" | cpio -o -H newc --quiet >>"$RUN/dirs.cpio")
done
cat "$RUN/base.cpio" "$RUN/dirs.cpio" >"$RUN/initrd.cpio"
rm -f "$RUN/base.cpio" "$RUN/dirs.cpio"
echo "kvm-in-qemu: $PKG, -cpu $CPU, ${MEM} MiB, $SMP vcpus, initramfs $(($(stat -c %s "$RUN/initrd.cpio") >> 20)) MiB, timeout ${TIMEOUT}s" >&2

# --- boot. The console goes to $LOG, and to us as it comes through follow. -no-reboot and panic=-1:
# a guest panic ends QEMU at once.
: >"$LOG"
HB=$RUN/heartbeat.log
: >"$HB"
# (timeout is a backstop: watchdog below stops QEMU first, after saving diagnostics)
timeout -k 10 "$((TIMEOUT + 60))" qemu-system-x86_64 -machine q35 -accel "$ACCEL" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
  -display none -qmp "unix:$RUN/qmp.sock,server,nowait" -nodefaults -no-reboot -serial "file:$LOG" -serial "file:$HB" -serial "file:$RUN/kallsyms" -nic none \
  -kernel "$K/vmlinuz" -initrd "$RUN/initrd.cpio" \
  -append "console=ttyS0,115200 panic=-1 loglevel=4 mitigations=off nokaslr rdinit=/init" \
  </dev/null >"$RUN/qemu.log" 2>&1 &
qpid=$!
# follow: reads the console; CMD's section to stdout (one line behind, to drop the empty line that
# the end marker starts with), "kvmq:" lines (or, verbose, every line) to stderr.
follow() {
  local line inside=0 have=0 held=""
  local begin="=== kvm-in-qemu $TOKEN: CMD output begins ===" end="=== kvm-in-qemu $TOKEN: CMD output ends ==="
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    if [[ $line == "$begin" ]]; then
      inside=1; echo "=== kvm-in-qemu: CMD output begins ==="
    elif [[ $line == "$end" ]]; then
      [[ -z $held ]] || printf '%s\n' "$held"   # held is "" when CMD's output ended with a newline
      inside=0; echo "=== kvm-in-qemu: CMD output ends ==="
    elif ((inside)); then
      ((have)) && printf '%s\n' "$held"
      held=$line have=1
    elif [[ $line == "kvmq: "* || ${KVMQ_VERBOSE:-0} == 1 ]]; then
      printf '%s\n' "$line" >&2
    fi
  done
}
# diagnose: QEMU's view of each vCPU (registers, 64 stack words) through QMP, SysRq w and l (their
# output goes to the console), then the kernel addresses in all that as /proc/kallsyms names them.
diagnose() {
  python3 - "$RUN/qmp.sock" "$RUN/kallsyms" "$K/kallsyms.core" <<'EOP'
import bisect, json, os, re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
log = []
def call(cmd, args=None):
    f.write(json.dumps({"execute": cmd, "arguments": args or {}}) + "\n")
    f.flush()
    while True:  # (skips events)
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r.get("return", r.get("error"))
def hmp(line, cpu=None):
    args = {"command-line": line}
    if cpu is not None:
        args["cpu-index"] = cpu
    out = call("human-monitor-command", args)
    out = out if isinstance(out, str) else json.dumps(out)
    log.append(f"(qemu{'' if cpu is None else ' cpu ' + str(cpu)}) {line}\n{out}")
    return out
json.loads(f.readline())  # the greeting
call("qmp_capabilities")
ncpu = len(re.findall(r"CPU #", hmp("info cpus")))
for cpu in range(ncpu):
    rsp = re.search(r"RSP=([0-9a-f]+)", hmp("info registers", cpu))
    if rsp:
        hmp(f"x /64gx 0x{rsp.group(1)}", cpu)
for _ in range(5):  # is it moving? RIP and RFL, 5 more times
    time.sleep(0.5)
    for cpu in range(ncpu):
        hmp("info registers", cpu)
hmp("sendkey alt-sysrq-w")
hmp("sendkey alt-sysrq-l")
text = "\n".join(log)
print(text)
syms = []
for line in [l for n in sys.argv[2:] if os.path.exists(n) for l in open(n, errors="replace")]:
    p = line.split()
    if len(p) >= 3 and p[1] in "tTwW":
        syms.append((int(p[0], 16), p[2] + (" " + p[3] if len(p) > 3 else "")))
syms.sort()
addrs = [a for a, _ in syms]
print("\nthe kernel text addresses above, as the guest's /proc/kallsyms names them:")
seen = set()
for m in re.finditer(r"(?<![0-9a-f])(ffffffff[0-9a-f]{8})\b", text):
    a = int(m.group(1), 16)
    i = bisect.bisect_right(addrs, a) - 1
    if a not in seen and i >= 0 and a - addrs[i] < 0x4000:
        seen.add(a)
        print(f"  {a:x} {syms[i][1]}+{a - addrs[i]:#x}")
EOP
}
# watchdog: stops QEMU when the heartbeat stops for $STALL s or at $TIMEOUT s, diagnostics first.
watchdog() {
  local t=0 quiet=0 size last=0 why
  while kill -0 "$qpid" 2>/dev/null; do
    sleep 5; t=$((t + 5))
    size=$(stat -c %s "$HB")
    if ((size > 0 && size == last)); then quiet=$((quiet + 5)); else quiet=0; fi
    last=$size why=""
    ((STALL > 0 && quiet >= STALL)) && why="stall: no heartbeat from the guest for ${quiet}s"
    ((t >= TIMEOUT)) && why="timeout: ${TIMEOUT}s"
    [[ -z $why ]] && continue
    { echo "$why"; diagnose; } >"$RUN/diag.txt" 2>&1 || true
    sleep 5   # (for SysRq's output to reach the console)
    kill "$qpid" 2>/dev/null || true
    return
  done
}
tail -n +1 -s 0.5 -F --pid="$qpid" "$LOG" 2>/dev/null | follow &
fpid=$!
watchdog &
wpid=$!
qrc=0; wait "$qpid" || qrc=$?
wait "$fpid" || true
kill "$wpid" 2>/dev/null || true
wait "$wpid" 2>/dev/null || true
if [[ $SYMS == all ]] && grep -q ' T _stext' "$RUN/kallsyms"; then  # keep the kernel's own symbols
  tr -d '\r' <"$RUN/kallsyms" | grep -v '\[' >"$RUN/kallsyms.core" && mv "$RUN/kallsyms.core" "$K/kallsyms.core"
fi

rc=$(tr -d '\r' <"$LOG" | sed -n "s/^KVMQ-RC-$TOKEN=\([0-9]*\)\$/\1/p" | tail -1)
if [[ -n $rc ]]; then exit "$rc"; fi
if [[ -s $RUN/diag.txt || $qrc -eq 124 ]]; then
  echo "kvm-in-qemu: stopped the VM: $(head -1 "$RUN/diag.txt" 2>/dev/null || echo "timeout")." \
       "Console log: $LOG; diagnostics: $RUN/diag.txt" >&2
  exit 124
fi
echo "kvm-in-qemu: CMD did not run or did not finish (qemu exit $qrc); console log: $LOG" >&2
cat "$RUN/qemu.log" >&2
exit 125
