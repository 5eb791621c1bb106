#!/bin/sh
# kiln memtest benchmark: the engine (memtester's pattern set, all cores) vs
# memtester vs stressapptest vs a STREAM-like probe, over the same memory.
# Needs: g++ (C++20), memtester and stressapptest (apt-get install -y memtester
# stressapptest). Run as root so memory locks. Takes a few minutes: memtester
# alone needs ~190 s for 512 MiB on a 2-core VM.
#   bench/memtest/run.sh [MiB]        (default 512)
set -eu
MIB=${1:-512}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT_DIR:-$ROOT/build-memtest-bench}
mkdir -p "$OUT"

BIN=${MEMTEST_BENCH:-}
[ -z "$BIN" ] && [ -x "$ROOT/build/bin/memtest_bench" ] && BIN=$ROOT/build/bin/memtest_bench  # make build
if [ -z "$BIN" ]; then
  BIN=$OUT/memtest_bench
  echo "building $BIN"
  g++ -std=c++20 -O2 -g -pthread -I"$ROOT/runner/src" -I"$ROOT/common/include" \
    "$ROOT/bench/memtest/memtest_bench.cpp" "$ROOT"/runner/src/memtest/*.cpp -o "$BIN"
fi

for tool in memtester stressapptest; do
  command -v $tool >/dev/null || { echo "missing $tool: apt-get install -y $tool" >&2; exit 2; }
done

echo "load before: $(cat /proc/loadavg)"
echo "stressapptest -M $MIB -s 20"
stressapptest -M "$MIB" -s 20 > "$OUT/stressapptest.log" 2>&1 || true
grep -E "Stats: (Completed|Memory Copy)|Status" "$OUT/stressapptest.log" || true

echo "memtester ${MIB}M 1 (minutes)"
start=$(date +%s.%N)
memtester "${MIB}M" 1 > "$OUT/memtester.log" 2>&1 || echo "memtester exited $?"
end=$(date +%s.%N)
MT_S=$(echo "$end - $start" | bc)
echo "memtester: $MT_S s, $(grep -ac FAILURE "$OUT/memtester.log") failures"

echo "load before the engine: $(cat /proc/loadavg)"
echo "engine and probe"
"$BIN" --mib "$MIB" --memtester-seconds "$MT_S" \
  --stressapptest-log "$OUT/stressapptest.log" | tee "$OUT/result.txt"
