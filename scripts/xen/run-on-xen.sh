#!/bin/bash
# Copied unchanged (but for this line) from ../shared/xen/run-on-xen.sh: CI runs in a fresh clone
# that has no ../shared beside it, so scripts/xen-test.sh uses this copy.
# Boots a guest image on the real Xen hypervisor: Debian's Xen 4.17 and a Debian Linux dom0 under
# QEMU's software CPU (TCG), then `xl create` runs the guest as a PVH domU.
#   usage: run-on-xen.sh GUEST.elf [extra xl.cfg lines...]
#          run-on-xen.sh --dom0 [--file PATH]... -- CMD [ARGS...]
# First form: prints the guest's PV console output between "=== guest console ===" lines and Xen's
# "(d1)" debug lines (guest writes to I/O port 0xE9). Exit status: 0 when xl created the guest and it ended.
# Second form: runs CMD as root in dom0 once xenstored and xenconsoled are up (so CMD may create
# domains itself, with xl or libxl). Each --file PATH (and CMD itself, when it is a path) is copied
# into dom0 at the same path, with the shared libraries it needs. Prints CMD's stdout+stderr between
# "=== dom0 command ===" lines and Xen's "(dN)" lines; exits with CMD's exit status.
# Measured here: about 17 s from scratch on 2 cores. Proves the ABI, not performance: the CPU is emulated.
set -euo pipefail
usage="usage: run-on-xen.sh GUEST.elf [xl.cfg lines...] | run-on-xen.sh --dom0 [--file PATH]... -- CMD [ARGS...]"
MODE=guest FILES=() GUEST=""
if [[ ${1:-} == --dom0 ]]; then
  MODE=dom0; shift
  while [[ ${1:-} == --file ]]; do FILES+=("$(readlink -f "${2:?$usage}")"); shift 2; done
  [[ ${1:-} == -- ]] && shift; [[ $# -gt 0 ]] || { echo "$usage" >&2; exit 2; }
  [[ -e $1 ]] && FILES+=("$(readlink -f "$1")")
else
  GUEST=$(readlink -f "${1:?$usage}"); shift
fi
W=${XEN_WORK:-/tmp/hv-xen}; CACHE=$W/cache
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need qemu-system-x86_64 qemu-system-x86; need busybox busybox-static; need cpio cpio
[[ -x /bin/busybox ]] || apt-get install -y -qq busybox-static >/dev/null
if [[ ! -f $CACHE/ready ]]; then
  rm -rf "$CACHE"; mkdir -p "$CACHE/debs"
  (cd "$CACHE/debs" && apt-get download -q xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils \
     libxenmisc4.17 libxenstore4 libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 \
     libxentoollog1 libxentoolcore1 libxendevicemodel1 libxenhypfs1 libyajl2 \
     $(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image/{print $2}') >/dev/null 2>&1)
  mkdir -p "$CACHE/x"; for d in "$CACHE"/debs/*.deb; do dpkg-deb -x "$d" "$CACHE/x"; done
  zcat "$CACHE"/x/boot/xen-4.17-amd64.gz >"$CACHE/xen.elf"   # QEMU's -kernel takes the ELF32 multiboot image, not the .gz
  cp "$CACHE"/x/boot/vmlinuz-* "$CACHE/vmlinuz"
  touch "$CACHE/ready"
fi
X=$CACHE/x R=$W/ird; rm -rf "$R"; mkdir -p "$R"/{bin,proc,sys,dev,tmp,mods,lib64,lib/x86_64-linux-gnu,usr/lib/xen-4.17/bin,var/log/xen/console,var/run/xenstored,var/lib/xenstored,run/xen,var/run/xen,var/lib/xen,etc/xen}
cp /bin/busybox "$R/bin/"; for a in sh mount cat ls sleep poweroff insmod mkdir cut tail; do ln -s busybox "$R/bin/$a"; done
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do cp "$(find "$X/lib/modules" -name $m.ko)" "$R/mods/"; done
B="xl xenstored xenconsoled xen-init-dom0"; for b in $B; do cp "$X/usr/lib/xen-4.17/bin/$b" "$R/usr/lib/xen-4.17/bin/"; done
cp -a "$X"/usr/lib/x86_64-linux-gnu/*.so* "$R/lib/x86_64-linux-gnu/"
for b in $B; do LD_LIBRARY_PATH=$X/usr/lib/x86_64-linux-gnu ldd "$X/usr/lib/xen-4.17/bin/$b"; done | awk '/=> \/(lib|usr)/{print $3}' | grep -v "$X" | sort -u | xargs -I{} cp -L {} "$R/lib/x86_64-linux-gnu/"
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$R/lib/x86_64-linux-gnu/"; cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
touch "$R/etc/xen/xl.conf"
if [[ $MODE == guest ]]; then
  cp "$GUEST" "$R/guest.elf"
  { printf 'name="guest"\ntype="pvh"\nkernel="/guest.elf"\nmemory=64\nvcpus=1\non_poweroff="destroy"\non_crash="destroy"\n'; for l in "$@"; do echo "$l"; done; } >"$R/guest.cfg"
  RUN='xl create /guest.cfg; echo "XL-CREATE-RC=$?"
i=0; while xl list guest >/dev/null 2>&1 && [ $i -lt 120 ]; do sleep 1; i=$((i+1)); done
echo "=== guest console ==="; cat /var/log/xen/console/guest-guest.log; echo "=== guest console ==="'
else
  for f in ${FILES[@]+"${FILES[@]}"}; do
    mkdir -p "$R$(dirname "$f")"; cp -a "$f" "$R$f"
    # the shared libraries of each dynamically linked file, from this machine (Debian, like dom0)
    if [[ -f $f ]] && ldd "$f" >/dev/null 2>&1; then
      ldd "$f" | awk '/=> \//{print $3}' | while read -r l; do [[ -e $R/lib/x86_64-linux-gnu/$(basename "$l") ]] || cp -L "$l" "$R/lib/x86_64-linux-gnu/"; done
    fi
  done
  RUN="cd /tmp; ( $(printf '%q ' "$@") ) >/tmp/dom0-cmd.log 2>&1; rc=\$?
echo '=== dom0 command ==='; cat /tmp/dom0-cmd.log; echo '=== dom0 command ==='; echo \"DOM0-CMD-RC=\$rc\""
fi
cat >"$R/init" <<'EOS'
#!/bin/sh
export PATH=/bin:/usr/lib/xen-4.17/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
for m in xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc; do insmod /mods/$m.ko; done
mount -t xenfs xenfs /proc/xen
xenstored --pid-file /var/run/xenstored.pid; sleep 1; xen-init-dom0
xenconsoled --log=guest --log-dir=/var/log/xen/console
@RUN@
poweroff -f
EOS
python3 -c 'import sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace("@RUN@", sys.argv[2]))' "$R/init" "$RUN"
chmod +x "$R/init"; (cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$W/initrd.gz")
# -cpu max,-smap: SMAP under TCG crashed dom0; Debian's Xen has no shadow paging, so it needs the emulated NPT of 'max'
timeout "${XEN_TIMEOUT:-300}" qemu-system-x86_64 -machine pc -accel tcg -cpu max,-smap -smp 1 -m 2048 -nographic -no-reboot \
  -serial mon:stdio -kernel "$CACHE/xen.elf" \
  -append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all spec-ctrl=eager-fpu" \
  -initrd "$CACHE/vmlinuz console=hvc0,$W/initrd.gz" </dev/null >"$W/serial.log" 2>&1 || true
if [[ $MODE == guest ]]; then
  tr -d '\r' <"$W/serial.log" | sed -n '/=== guest console ===/,/=== guest console ===/p; /(d1)/p'
  tr -d '\r' <"$W/serial.log" | grep -q 'XL-CREATE-RC=0'
else
  tr -d '\r' <"$W/serial.log" | sed -n '/=== dom0 command ===/,/=== dom0 command ===/p; /(d[0-9]*)/p'
  rc=$(tr -d '\r' <"$W/serial.log" | sed -n 's/^DOM0-CMD-RC=\([0-9]*\).*/\1/p' | tail -1)
  [[ -n $rc ]] || { echo "run-on-xen: the dom0 command did not finish (see $W/serial.log)" >&2; exit 125; }
  exit "$rc"
fi
