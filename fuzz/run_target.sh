#!/usr/bin/env bash
# run_target.sh [--keep] KILN_FUZZ SOURCE_DIR TARGET SECONDS WORK_DIR
# One kiln-fuzz target: its seeds (fuzz/seeds.txt, fuzz/corpus/TARGET) copied
# into WORK_DIR/TARGET/corpus, each replayed once, then SECONDS of fuzzing on
# that corpus (with fuzz/dict/TARGET.dict when there is one). Prints "fuzz TARGET: N executions in S s, corpus C, crashes K";
# exits 1 on a crash (the input is in WORK_DIR/TARGET/, printed with how to
# replay it). --keep: keep the corpus of an earlier run (bench/fuzz campaigns).
set -euo pipefail
keep=0
if [ "${1:-}" = --keep ]; then keep=1; shift; fi
bin=$1; src=$2; target=$3; seconds=$4; work=$5/$target
shared=${KILN_SHARED_DIR:-$src/../shared}  # KILN_SHARED_DIR: a checkout without ../shared

mkdir -p "$work"
[ $keep = 1 ] || rm -rf "$work/corpus"
mkdir -p "$work/corpus"
seeds=()
add_seed() { [ -f "$1" ] && [ -s "$1" ] && seeds+=("$1"); return 0; }
add_entry() {  # a directory, a file or a glob pattern
  local path=$1 f
  if [ -d "$path" ]; then
    for f in "$path"/*; do add_seed "$f"; done
  else
    for f in $path; do add_seed "$f"; done  # unquoted: the pattern expands
  fi
}
line=$(grep -E "^$target( |\$)" "$src/fuzz/seeds.txt" || true)
[ -n "$line" ] || { echo "run_target.sh: '$target' is not in fuzz/seeds.txt" >&2; exit 2; }
for entry in ${line#"$target"}; do
  case $entry in
    shared/*)
      if [ -d "$shared" ]; then add_entry "$shared/${entry#shared/}"
      else echo "fuzz $target: $shared is absent, seeds $entry skipped"; fi ;;
    *) add_entry "$src/$entry" ;;
  esac
done
[ -d "$src/fuzz/corpus/$target" ] && add_entry "$src/fuzz/corpus/$target"
for f in ${seeds[@]+"${seeds[@]}"}; do cp "$f" "$work/corpus/$(sha1sum < "$f" | cut -c1-40)"; done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
crashed() {
  echo "fuzz $target: CRASH on $1"
  echo "  replay: $bin -target=$target $1"
  exit 1
}
# Replay: every seed as it is, whole (a corpus directory would cut them to -max_len).
if [ ${#seeds[@]} -gt 0 ]; then
  "$bin" -target="$target" "${seeds[@]}" > "$work/replay.log" 2>&1 ||
    { tail -n 40 "$work/replay.log"; crashed "$(grep -m1 -o 'Running: .*' "$work/replay.log" | tail -1)"; }
fi
echo "fuzz $target: ${#seeds[@]} seeds replayed"
[ "$seconds" -gt 0 ] || exit 0
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
dict=(); [ -f "$src/fuzz/dict/$target.dict" ] && dict=(-dict="$src/fuzz/dict/$target.dict")
rc=0
"$bin" -target="$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" ${dict[@]+"${dict[@]}"} "$work/corpus" \
  > "$work/fuzz.log" 2>&1 || rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
artifacts=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
echo "fuzz $target: ${runs:-?} executions in $seconds s, corpus $(find "$work/corpus" -type f | wc -l) inputs, crashes $(grep -c . <<< "$artifacts" || true)"
if [ $rc -ne 0 ] || [ -n "$artifacts" ]; then
  tail -n 60 "$work/fuzz.log"
  crashed "${artifacts:-(no artifact written; exit $rc)}"
fi
