#!/usr/bin/env bash
# Network stage benchmarks (root; network namespaces on one bridge, see
# tests/integration/network_rig.sh):
#  1. pairing: N nodes (default 16), the last one started LATE_S seconds after
#     the others; time from its start to the moment every node has agreed the
#     membership (the "members agreed ... at T ms" log of each node's stream).
#  2. overhead: TCP throughput of the same 2-namespace link, `iperf3 -c` bare
#     vs through kiln's network stage (tests: [tcp]), alternated ROUNDS times.
#   bench/network/run.sh RUNNER [N] [ROUNDS]
set -euo pipefail
runner=$1; n=${2:-16}; rounds=${3:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/integration/network_rig.sh"
rig_require
LATE_S=${LATE_S:-3}

agreed_ms() {  # agreed_ms I: when node I agreed, ms since the epoch
  python3 - "$RIG_OUT/node$1/ocptv.jsonl" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    m = re.search(r"members agreed \(view \w+\) at (\d+) ms", line)
    if m:
        print(m.group(1)); break
PY
}

echo "== pairing: $n nodes, the last joins ${LATE_S} s after the others"
out=$(mktemp -d /tmp/kiln-net-bench.XXXXXX)
rig_up "$n" "$out"
RIG_DURATION=1s rig_config "$n" "    min_gbps: 0.01" "      tests: [tcp]
      ping: false"
for i in $(seq 1 $((n - 1))); do rig_start_node "$i" "$runner" "$src"; done
sleep "$LATE_S"
last_join=$(date +%s%3N)
rig_start_node "$n" "$runner" "$src"
for i in $(seq 1 "$n"); do wait "${RIG_PIDS[$i]}" || true; done
latest=0
for i in $(seq 1 "$n"); do
  t=$(agreed_ms "$i"); [ -n "$t" ] || { echo "node $i never agreed: $(rig_verdict "$i")"; exit 1; }
  [ "$t" -gt "$latest" ] && latest=$t
  v=$(rig_verdict "$i"); [ "$v" = PASS ] || echo "node $i: $v"
done
echo "last join -> all pairs formed: $(( latest - last_join )) ms (target <= 5000 ms)"
rig_down; trap - EXIT

echo "== overhead: bare iperf3 vs kiln, 2 namespaces, ${RIG_DURATION:-5s} TCP, $rounds rounds"
out=$(mktemp -d /tmp/kiln-net-bench.XXXXXX)
rig_up 2 "$out"
RIG_DURATION=${RIG_DURATION:-5s} rig_config 2 "    min_gbps: 0.01" "      tests: [tcp]
      ping: false"
secs=${RIG_DURATION:-5s}; secs=${secs%s}
for r in $(seq 1 "$rounds"); do
  ip netns exec "$(rig_ns 2)" iperf3 -s -1 -p 5301 -J > "$out/srv.json" &
  sleep 0.3
  bare=$(ip netns exec "$(rig_ns 1)" iperf3 -c "$RIG_SUBNET.2" -p 5301 -t "$secs" -J |
         python3 -c "import json,sys; print(json.load(sys.stdin)['end']['sum_received']['bits_per_second']/1e9)")
  wait
  rm -rf "$out/node1" "$out/node2"
  rig_start_node 1 "$runner" "$src"; rig_start_node 2 "$runner" "$src"
  wait "${RIG_PIDS[1]}" || true; wait "${RIG_PIDS[2]}" || true
  kiln=$(python3 -c "
import json,sys
r=json.load(open(sys.argv[1])); s=[s for s in r['stages'] if s['name']=='network'][0]
print([m['value'] for m in s['measurements'] if m['name']=='tcp_tx_gbps'][0])" "$out/node1/report.json")
  echo "round $r: bare $bare Gbit/s, kiln $kiln Gbit/s, kiln/bare $(python3 -c "print(round($kiln/$bare, 3))")"
  echo "$bare $kiln" >> "$out/pairs.txt"
done
python3 - "$out/pairs.txt" <<'PY'
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
bare = statistics.median(r[0] for r in rows)
kiln = statistics.median(r[1] for r in rows)
print(f"median of {len(rows)}: bare {bare:.2f} Gbit/s, kiln {kiln:.2f} Gbit/s, kiln/bare {kiln / bare:.3f} "
      f"(overhead {max(0.0, 1 - kiln / bare) * 100:.1f} %, target <= 5 %)")
PY
