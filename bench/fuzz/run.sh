#!/usr/bin/env bash
# bench/fuzz/run.sh [-s SECONDS] [-d WORK_DIR] [TARGET...]
# Long libFuzzer campaigns: each kiln-fuzz target (all of fuzz/seeds.txt when
# none is named) replays its seeds, then fuzzes SECONDS (default 3600) on a
# corpus kept in WORK_DIR/TARGET/corpus between campaigns (default
# build-fuzz/fuzz-campaign). Builds the `fuzz` preset first. Prints one line
# per target (executions, corpus, crashes) and a table at the end; exits 1
# when any target crashed. Record what it printed in bench/fuzz/README.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=3600
work=$src/build-fuzz/fuzz-campaign
while getopts s:d: opt; do
  case $opt in
    s) seconds=$OPTARG ;;
    d) work=$OPTARG ;;
    *) sed -n '2,9p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
cd "$src"
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz -j "$(nproc)"
bin=$src/build-fuzz/bin/kiln-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(grep -Eo '^[a-z0-9-]+' fuzz/seeds.txt)
summary=()
failed=0
for t in "${targets[@]}"; do
  out=$("$src/fuzz/run_target.sh" --keep "$bin" "$src" "$t" "$seconds" "$work" 2>&1) || failed=1
  printf '%s\n' "$out"
  summary+=("$(grep -E "^fuzz $t: .*executions|CRASH" <<< "$out" | head -2 | tr '\n' ' ')")
done
echo
echo "campaign of $seconds s per target on $(nproc) cores, $(date -u +%FT%TZ):"
printf '  %s\n' "${summary[@]}"
exit $failed
