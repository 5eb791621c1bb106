#!/usr/bin/env bash
# The delivery summary end to end: one real kiln-runner report (benchmark),
# posted for six nodes of one delivery through the real orchestrator with the
# scores scaled as a batch would differ (one node 12 % slow); kilnctl delivery
# show names that node, and only it, with the figure, median and deviation.
#   delivery_summary_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1; src=$2
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-summary-it
for tool in curl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }; done

rig_benchmark_report

# No config_dir: the orchestrator only records and summarises the posted reports.
rig_write_config --no-config-dir
start_orchestrator

post_node() {  # post_node INDEX FACTOR: a burn-in, register, the report with scores x FACTOR
  python3 "$src/tests/integration/kiln_feed.py" "$url" "$OP" "$tmp/run" "node-$1" "S-$1" PO-2026-0042 \
    --report-only --factor "$2" > /dev/null
}
factors=(1.0 1.012 0.991 1.004 0.996 0.88)
for i in 0 1 2 3; do post_node "$i" "${factors[$i]}"; done
kilnctl delivery show PO-2026-0042 > "$tmp/four.txt"
grep -q "no outlier verdict for .* figure(s): 4 nodes with this figure, fewer than the 5 an outlier verdict needs" "$tmp/four.txt" ||
  { cat "$tmp/four.txt"; fail "four nodes: no 'too few nodes' note"; }
grep -q "^no outliers" "$tmp/four.txt" || fail "four nodes: outliers listed"
for i in 4 5; do post_node "$i" "${factors[$i]}"; done
kilnctl delivery show PO-2026-0042 | tee "$tmp/six.txt"
grep -q "^batch analysis: 6 of 6 nodes reported (PASS 6" "$tmp/six.txt" || fail "counts"
grep -Eq "^node node-5 \(S-5\): benchmark score [0-9.]+ is 1[12]\.[0-9] % below the batch median [0-9.]+ \(robust z -[0-9.]+\): check BIOS power profile / memory population$" "$tmp/six.txt" ||
  fail "the slow node's line is missing"
kilnctl -f json delivery show PO-2026-0042 > "$tmp/six.json"
python3 - "$tmp/six.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"]
assert d["outlier_nodes"] == 1, d["outlier_nodes"]
assert {o["node"] for o in d["outliers"]} == {"node-5"}, d["outliers"]
score = next(f for f in d["figures"] if f["key"] == "benchmark.score")
assert score["nodes"] == 6 and score["outlier_verdict"] == "judged", score
assert score["tender"]["limit"] == "limits.benchmark.min_score" and score["tender"]["threshold"] == 1
assert score["min"] < score["median"] < score["max"]
print(f"summary: {len(d['figures'])} figures, outliers {[o['figure'] for o in d['outliers']]}")
PY
echo "delivery summary passed"
