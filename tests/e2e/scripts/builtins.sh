# builtins.sh SCRATCH INPUTS: a shell script for bash and busybox sh that uses
# only shell builtins (hvrun runs one process: no fork, so no external
# commands, pipes, $(...) or subshells) and works on files: SCRATCH is an
# empty writable directory, INPUTS holds input.txt (read-only under hvrun).
# It prints nothing that depends on where the directories are, so native and
# hvrun runs can be compared. tests/e2e/mounts_test.cc runs it.
scratch=$1
inputs=$2

say() {
  printf '%s\n' "$*"
}

# Redirections into files on the mount.
echo "first line" > "$scratch/out.txt"
printf '%s=%d\n' two 2 >> "$scratch/out.txt"
printf 'x\n' > "$scratch/x.txt"
mkdir_note="no mkdir builtin"
say "$mkdir_note"

# while read from files.
n=0
while read -r line; do
  n=$((n + 1))
  say "out.txt line $n: $line"
done < "$scratch/out.txt"
total=0
while read -r word count; do
  case $word in
    \#*) continue ;;
  esac
  total=$((total + count))
  say "input: $word x $count"
done < "$inputs/input.txt"
say "total $total"

# File tests.
for p in "$scratch/out.txt" "$scratch/." "$scratch/missing" "$inputs/input.txt"; do
  t=""
  [ -e "$p" ] && t="${t}e"
  [ -f "$p" ] && t="${t}f"
  [ -d "$p" ] && t="${t}d"
  [ -s "$p" ] && t="${t}s"
  [ -r "$p" ] && t="${t}r"
  say "test ${p##*/}: [$t]"
done

# Globbing.
for f in "$scratch"/*; do
  say "glob scratch: ${f##*/}"
done
for f in "$scratch"/*.none; do
  say "glob none: ${f##*/}"
done
for f in "$inputs"/*.txt; do
  say "glob inputs: ${f##*/}"
done

# cd and pwd.
cd "$scratch" || say "cd failed"
if [ "$PWD" = "$scratch" ]; then say "pwd is scratch"; else say "pwd differs"; fi
echo "relative" > rel.txt
read -r back < rel.txt
say "relative file: $back"
cd "$inputs" && say "cd inputs ok"
cd "$scratch/missing" 2>/dev/null || say "cd missing failed"

# Arithmetic, string ops, case, functions, exit status.
fact() {
  r=1
  i=$1
  while [ "$i" -gt 1 ]; do
    r=$((r * i))
    i=$((i - 1))
  done
  say "fact $1 = $r"
}
fact 10
s="hello.world.tar.gz"
say "${s%%.*} ${s#*.} ${s%.*} ${s##*.} len ${#s}"
case "$s" in
  *.gz) say "gzip" ;;
  *) say "other" ;;
esac
check() {
  return "$1"
}
check 3
say "status $?"
if check 0; then say "check 0 true"; fi
[ -f "$scratch/missing" ]
say "missing status $?"
: > "$scratch/empty.txt"
[ -s "$scratch/empty.txt" ] || say "empty.txt is empty"
exit 0
