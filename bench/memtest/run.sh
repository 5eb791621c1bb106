#!/bin/sh
# kiln memtest benchmark: the engine (memtester's pattern set, all CPUs) vs
# memtester vs stressapptest (same memory size, one copy thread per CPU) vs the
# bandwidth probe (bandwidth_probe.hpp), over the same memory, in one table.
# Needs: g++ (C++20), /usr/bin/time, memtester and stressapptest (apt-get install -y memtester
# stressapptest). Run as root so memory locks. Takes a few minutes: memtester
# alone needs ~3 min for 512 MiB on a 2-CPU VM.
#   bench/memtest/run.sh [MiB]        (default 512)
# Environment: MEMTEST_BENCH (a built memtest_bench), OUT_DIR, SAT_SECONDS (20),
# SKIP_MEMTESTER=1 (reuse the last memtester time in OUT_DIR).
set -eu
MIB=${1:-512}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT_DIR:-$ROOT/build-memtest-bench}
SAT_SECONDS=${SAT_SECONDS:-20}
THREADS=$(nproc)
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

SAT="stressapptest -M $MIB -m $THREADS -s $SAT_SECONDS"
echo "load before stressapptest: $(cat /proc/loadavg)"
echo "$SAT"
# /usr/bin/time: wall, user and system seconds, for the per-CPU-second figures.
/usr/bin/time -f "%e %U %S" -o "$OUT/stressapptest.time" $SAT > "$OUT/stressapptest.log" 2>&1 || true
grep -E "Stats: (Completed|Memory Copy)|Status" "$OUT/stressapptest.log" || true

if [ "${SKIP_MEMTESTER:-0}" = 1 ] && [ -s "$OUT/memtester.seconds" ]; then
  MT_S=$(cat "$OUT/memtester.seconds")
  echo "memtester: reusing $MT_S s from $OUT/memtester.seconds"
else
  echo "load before memtester: $(cat /proc/loadavg)"
  echo "memtester ${MIB}M 1 (minutes)"
  /usr/bin/time -f "%e %U %S" -o "$OUT/memtester.time" memtester "${MIB}M" 1 \
    > "$OUT/memtester.log" 2>&1 || echo "memtester exited $?"
  MT_S=$(cut -d' ' -f1 "$OUT/memtester.time")
  echo "$MT_S" > "$OUT/memtester.seconds"
  echo "memtester: $MT_S s, $(grep -ac FAILURE "$OUT/memtester.log") failures"
fi

echo "load before the probe and the engine: $(cat /proc/loadavg)"
"$BIN" --mib "$MIB" --memtester-seconds "$MT_S" --memtester-time "$OUT/memtester.time" \
  --stressapptest-log "$OUT/stressapptest.log" --stressapptest-time "$OUT/stressapptest.time" \
  --stressapptest-label "$SAT" | tee "$OUT/result.txt"
