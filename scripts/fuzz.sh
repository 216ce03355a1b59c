#!/usr/bin/env bash
# Fuzzes hvrun with libFuzzer under ASan+UBSan: builds the fuzz preset
# (clang 14; tests/fuzz/) and runs every target for SECONDS (default 60) on a
# copy of its seed corpus, tests/fuzz/corpus/<surface>/, which it never
# writes. Exits non-zero on any finding (crash, sanitizer report, leak,
# timeout, out of memory); the input that caused it is kept in
# build/fuzz/artifacts/ and the end of the fuzzer's log is printed.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]   (seconds per target, default 60)" >&2
  exit 2
fi

scripts/install-deps.sh
cmake --preset fuzz
cmake --build --preset fuzz

# target:surface:max_len. max_len: an ELF needs room for headers, segments
# and a .symtab; a hypercall input is 8 calls and the guest memory they use;
# a manifest is a few lines.
targets=(fuzz_elf:elf:65536 fuzz_hypercall:hypercall:16384 fuzz_manifest:manifest:4096)

work=$(mktemp -d "${TMPDIR:-/tmp}/hvrun-fuzz.XXXXXX")
# fuzz_hypercall's scratch mounts: on a tmpfs when there is one (a guest's
# fsync on disk is slow), here so that a crashed run leaves nothing behind.
if [[ -d /dev/shm && -w /dev/shm ]]; then
  scratch=$(mktemp -d /dev/shm/hvrun-fuzz.XXXXXX)
else
  scratch=$work/scratch
  mkdir "$scratch"
fi
trap 'rm -rf "$work" "$scratch"' EXIT
export HVRUN_FUZZ_SCRATCH=$scratch
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"

failed=()
summary=()
for entry in "${targets[@]}"; do
  IFS=: read -r target surface max_len <<<"$entry"
  corpus=$work/corpus-$surface
  cp -r "tests/fuzz/corpus/$surface" "$corpus"
  dict=()
  [[ -f tests/fuzz/$surface.dict ]] && dict=(-dict="tests/fuzz/$surface.dict")
  log=$work/$target.log
  echo "=== fuzz: $target for ${seconds}s (seeds: tests/fuzz/corpus/$surface, $(ls "$corpus" | wc -l) files)"
  start=$(date +%s)
  rc=0
  # -timeout: one input running 10 s is a hang. The outer timeout catches
  # a fuzzer that cannot stop itself (it counts as a finding).
  timeout --signal=KILL $((seconds + 300)) "build/fuzz/bin/$target" "$corpus" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "${dict[@]}" \
    >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  units=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*$' || true)
  line=$(printf '%-15s %4ss  executions %-9s coverage %s edges, %s features; corpus %s inputs' \
    "$target" "$elapsed" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}")
  if [[ $rc -ne 0 ]]; then
    echo "--- fuzz: $target FAILED (exit $rc); the end of its log:"
    tail -n 80 "$log"
    failed+=("$target")
    line="$line  FAILED (exit $rc)"
  fi
  echo "$line"
  summary+=("$line")
done

echo "=== fuzz: summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}; inputs in $artifacts/ (replay: build/fuzz/bin/TARGET FILE)" >&2
  exit 1
fi
echo "fuzz: no findings"
