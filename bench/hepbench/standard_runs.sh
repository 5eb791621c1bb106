#!/bin/sh
# Three standard-length benchmark runs through `kiln-runner run` (the way a
# burn-in runs it): the score of each run, the CV of the score over the runs,
# and the CPU the runner's own threads used meanwhile (every thread that is
# not a pinned hepbench copy, sampled from /proc/PID/task once a second, plus
# the CPU of any child process it waited for). Run on an otherwise idle machine.
#   bench/hepbench/standard_runs.sh [RUNS]      (~5 min per run)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNNER=${KILN_RUNNER:-$ROOT/build/bin/kiln-runner}
RUNS=${1:-3}
LENGTH=${LENGTH:-standard}
OUT=${OUT_DIR:-$ROOT/build-hepbench-bench/standard}
[ -x "$RUNNER" ] || { echo "build kiln-runner first (make build)" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT/configs/profiles" "$OUT/configs/deliveries"
cp "$ROOT/configs/hepbench-reference.yaml" "$OUT/configs/"
cat > "$OUT/configs/profiles/bench.yaml" <<YAML
profile: bench
stages:
  - stage: benchmark
    params: {length: $LENGTH}
YAML
cat > "$OUT/configs/deliveries/default.yaml" <<'YAML'
delivery: default
profile: bench
YAML
FRU=$OUT/fru.txt
printf ' Product Serial        : BENCH-0001\n Product Asset Tag     : BENCH\n' > "$FRU"
TICK=$(getconf CLK_TCK)

for i in $(seq 1 "$RUNS"); do
  "$RUNNER" run --config "$OUT/configs" --fru-file "$FRU" --out "$OUT/run$i" > "$OUT/run$i.log" 2>&1 &
  pid=$!
  : > "$OUT/threads$i.txt"
  while kill -0 "$pid" 2>/dev/null; do
    # tid comm utime stime (+ the process's cutime cstime on the main thread's line)
    for t in /proc/$pid/task/*; do
      [ -r "$t/stat" ] || continue
      tid=${t##*/}
      comm=$(cat "$t/comm" 2>/dev/null) || continue
      stat=$(cat "$t/stat" 2>/dev/null) || continue
      rest=${stat##*) }
      # shellcheck disable=SC2086
      set -- $rest
      echo "$tid $comm ${12} ${13} ${14} ${15}"
    done >> "$OUT/threads$i.txt"
    sleep 1
  done
  wait "$pid" || true
  python3 - "$OUT/run$i/report.json" "$OUT/threads$i.txt" "$TICK" "$i" >> "$OUT/summary.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
stage = next(s for s in report["stages"] if s["name"] == "benchmark")
score = next(m["value"] for m in stage["measurements"] if m["name"] == "score")
last = {}
for line in open(sys.argv[2]):
    tid, comm, ut, st, cut, cst = line.split()
    last[tid] = (comm, int(ut) + int(st), int(cut) + int(cst))
tick = int(sys.argv[3])
copies = sum(v[1] for v in last.values() if v[0].startswith("hepbench-"))
runner = sum(v[1] for v in last.values() if not v[0].startswith("hepbench-"))
children = max(v[2] for v in last.values())
print(f"run {sys.argv[4]}: score {score:.3f} duration {report['duration_s']:.1f} s "
      f"copies_cpu {copies / tick:.1f} s runner_cpu {(runner + children) / tick:.2f} s "
      f"runner_share_of_a_core {100 * (runner + children) / tick / report['duration_s']:.3f} %")
PY
  tail -1 "$OUT/summary.txt"
done
python3 - "$OUT/summary.txt" <<'PY'
import statistics, sys
scores = [float(l.split()[3]) for l in open(sys.argv[1]) if l.startswith("run ")]
shares = [float(l.split()[-2]) for l in open(sys.argv[1]) if l.startswith("run ")]
mean = statistics.fmean(scores)
cv = statistics.pstdev(scores) / mean * 100 if len(scores) > 1 else 0.0
print(f"scores {' / '.join(f'{s:.3f}' for s in scores)}: mean {mean:.3f}, CV {cv:.2f} % "
      f"(target <= 2 %); runner share of a core: max {max(shares):.3f} % (target < 1 %)")
PY
