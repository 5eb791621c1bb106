#!/bin/sh
# kiln hepbench benchmark: checksums, quick wall time, 1 vs N copies scaling,
# CV of the score over repeated runs, and (with STANDARD=1) the standard
# length's wall time. Needs g++ (C++20), zlib1g-dev, libfmt-dev,
# libyaml-cpp-dev. Run on an otherwise idle machine.
#   bench/hepbench/run.sh              (~7 min on a 2-core VM)
#   CV_BOX=60 bench/hepbench/run.sh    (CV over 3 standard-length runs: ~15 min)
#   STANDARD=1 bench/hepbench/run.sh   (adds one standard run: +5 min)
# standard_runs.sh beside this file does the 3 standard runs through kiln-runner itself.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT_DIR:-$ROOT/build-hepbench-bench}
CV_BOX=${CV_BOX:-10}        # seconds per workload for the CV runs
SCALE_BOX=${SCALE_BOX:-10}  # seconds per workload for the scaling runs
mkdir -p "$OUT"

BIN=${HEPBENCH_BENCH:-}
[ -z "$BIN" ] && [ -x "$ROOT/build/bin/hepbench_bench" ] && BIN=$ROOT/build/bin/hepbench_bench  # make build
if [ -z "$BIN" ]; then
  BIN=$OUT/hepbench_bench
  echo "building $BIN"
  # The same flags as the kiln_hepbench target (runner/CMakeLists.txt).
  g++ -std=c++20 -O2 -g -pthread -ffp-contract=off -fno-tree-slp-vectorize \
    -I"$ROOT/runner/src" -I"$ROOT/common/include" \
    "$ROOT/bench/hepbench/hepbench_bench.cpp" "$ROOT"/runner/src/hepbench/*.cpp \
    -lz -lfmt -lyaml-cpp -o "$BIN"
fi
REF="$ROOT/configs/hepbench-reference.yaml"
NCPU=$(nproc)

echo "== checksums (one batch each, must all be ok)"
"$BIN" --checksums | tee "$OUT/checksums.txt"

echo "== quick, $NCPU copies (wall time)"
start=$(date +%s.%N)
"$BIN" --length quick --reference "$REF" | tee "$OUT/quick.txt"
end=$(date +%s.%N)
echo "quick wall time: $(echo "$end - $start" | bc) s" | tee -a "$OUT/quick.txt"

echo "== scaling: 1 copy vs $NCPU copies, ${SCALE_BOX} s per workload"
"$BIN" --length "box=$SCALE_BOX" --copies 1 --reference "$REF" | tee "$OUT/scale-1.txt"
"$BIN" --length "box=$SCALE_BOX" --copies "$NCPU" --reference "$REF" | tee "$OUT/scale-n.txt"
S1=$(sed -n 's/^run 1: .* score \([0-9.]*\) .*/\1/p' "$OUT/scale-1.txt")
SN=$(sed -n 's/^run 1: .* score \([0-9.]*\) .*/\1/p' "$OUT/scale-n.txt")
echo "scaling $NCPU copies / 1 copy: $(echo "scale=3; $SN / $S1" | bc)" | tee "$OUT/scaling.txt"

echo "== CV of the score: 3 runs, ${CV_BOX} s per workload"
"$BIN" --length "box=$CV_BOX" --repeat 3 --reference "$REF" | tee "$OUT/cv.txt"

if [ "${STANDARD:-0}" = 1 ]; then
  echo "== standard, $NCPU copies (wall time)"
  start=$(date +%s.%N)
  "$BIN" --length standard --reference "$REF" | tee "$OUT/standard.txt"
  end=$(date +%s.%N)
  echo "standard wall time: $(echo "$end - $start" | bc) s" | tee -a "$OUT/standard.txt"
fi
