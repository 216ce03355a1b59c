#!/bin/sh
# check_image.sh IMAGE READELF OBJDUMP
#
# Checks that the runtime image is what hvrun's loader expects, and deletes
# it if not (so the next build tries again instead of keeping a bad image):
#   - ET_DYN (static-pie) with no PT_INTERP and no PT_TLS;
#   - relocations: R_X86_64_RELATIVE only, in RELA form (no RELR);
#   - no .init_array/.fini_array/.ctors (nothing runs constructors);
#   - no undefined symbols;
#   - the "hvrun" ABI note, inside a PT_NOTE segment;
#   - no SSE/AVX/x87/MMX register use anywhere (app vector state survives);
#   - loaded size below 3 MiB (the image lives in [0x100000, 0x400000)).
set -eu
img=$1
readelf=$2
objdump=$3

fail() {
  echo "check_image: $img: $*" >&2
  rm -f "$img"
  exit 1
}

$readelf -hW "$img" | grep -Eq 'Type: +DYN' || fail "not ET_DYN (static-pie)"
phdrs=$($readelf -lW "$img")
echo "$phdrs" | grep -Eq '^ +INTERP ' && fail "has a PT_INTERP"
echo "$phdrs" | grep -Eq '^ +TLS ' && fail "has a PT_TLS"

sections=$($readelf -SW "$img")
echo "$sections" | grep -Eq '\.relr\.dyn' && fail "has RELR relocations"
echo "$sections" | grep -Eq '\.(init_array|fini_array|ctors|dtors|preinit_array) ' &&
  fail "has constructors/destructors (nothing runs them)"

bad=$($readelf -rW "$img" | awk '$3 ~ /^R_X86_64_/ && $3 != "R_X86_64_RELATIVE" {print $3}' | sort -u)
[ -z "$bad" ] || fail "relocations other than R_X86_64_RELATIVE: $bad"

undef=$($readelf -sW "$img" | awk '$7 == "UND" && $8 != "" {print $8}' | sort -u)
[ -z "$undef" ] || fail "undefined symbols: $undef"

# The hvrun note, and a PT_NOTE segment whose sections include .note.hvrun.
$readelf -nW "$img" | grep -Eq '^ +hvrun +0x00000008 +Unknown note type: \(0x00004856\)|^ +hvrun +0x00000008' ||
  fail "no hvrun ABI note"
note_segs=$(echo "$phdrs" | awk '/^ +[A-Z_]+ +0x/ {if ($1 == "NOTE") print n; n++}')
found=no
for i in $note_segs; do
  if echo "$phdrs" | grep -Eq "^ +0*$i +.*\.note\.hvrun"; then found=yes; fi
done
[ "$found" = yes ] || fail ".note.hvrun is not in a PT_NOTE segment"

# The Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18) names hvrt_pvh_entry.
pvh=$($readelf -nW "$img" | sed -n 's/^ *Xen .*(0x00000012).*description data: \([0-9a-f]*\) \([0-9a-f]*\) \([0-9a-f]*\) \([0-9a-f]*\).*/\1\2\3\4/p')
entry=$($readelf -sW "$img" | awk '$8 == "hvrt_pvh_entry" {print $2}')
[ -n "$entry" ] || fail "no hvrt_pvh_entry symbol"
le=$(printf '%08x' "0x$entry" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
[ "$pvh" = "$le" ] || fail "the Xen PVH note does not name hvrt_pvh_entry (note $pvh, entry $entry)"

# The one exception: the scheduler saves and restores the app's extended
# state when it switches green threads (runtime/sched/context.S), with
# xsave64/xrstor64/fxsave64/fxrstor64 in hvrt_xstate_save/_restore only.
# Those instructions save/restore the state without using a vector register,
# so they are dropped from the scan inside those two functions and nowhere
# else.
vec=$($objdump -d --no-show-raw-insn "$img" |
  awk '/^[0-9a-f]+ <.*>:$/ { allow = ($2 == "<hvrt_xstate_save>:" || $2 == "<hvrt_xstate_restore>:") }
       !(allow && $0 ~ /(xsave64|xrstor64|fxsave64|fxrstor64)([ \t]|$)/) { print }' |
  grep -E '%[xyz]mm[0-9]|%st(\(|[^a-z])|%mm[0-7]|%k[0-7]|vzeroupper|fxsave|fxrstor|xsave|xrstor|emms' |
  head -5 || true)
[ -z "$vec" ] || fail "uses vector/x87 state: $vec"

end=0
for seg in $(echo "$phdrs" | awk '$1 == "LOAD" {print $3 "+" $6}'); do
  e=$(( $seg ))
  [ "$e" -le "$end" ] || end=$e
done
[ "$end" -le $((0x300000)) ] || fail "loaded size $end exceeds 3 MiB"
exit 0
