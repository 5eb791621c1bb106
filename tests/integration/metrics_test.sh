#!/usr/bin/env bash
# GET /metrics against the real orchestrator fed a real kiln-runner run: the text passes
# `promtool check metrics` (Debian prometheus) before and after; the batch counters, the
# lines, the latency histogram and the commit histogram move by what was streamed; runs by
# state/verdict and the delivery's nodes follow the reports; metrics_token closes it.
#   metrics_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1; src=$2
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-metrics-it
for tool in curl python3 promtool; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing (Debian prometheus for promtool)"; exit 77; }
done
feed="python3 $src/tests/integration/kiln_feed.py"
MT=kiln-it-metrics-token-0123456789

rig_benchmark_report
rig_write_config --no-config-dir "metrics_token: $MT"
start_orchestrator

scrape() {  # scrape FILE: /metrics with the token, checked by promtool
  curl -sf -H "Authorization: Bearer $MT" "$url/metrics" > "$1" || fail "GET /metrics"
  promtool check metrics < "$1" || { cat "$1"; fail "promtool check metrics refused $1"; }
}
value() {  # value FILE SERIES: the sample's value (0 when absent)
  awk -v s="$2" '$1 == s { v = $2 } END { print v == "" ? 0 : v }' "$1"
}

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/metrics")
[ "$code" = 401 ] || fail "GET /metrics without the metrics token: HTTP $code, not 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $OP" "$url/metrics")
[ "$code" = 401 ] || fail "GET /metrics with the operator token: HTTP $code, not 401"

scrape "$tmp/m0.txt"
grep -q '^kiln_build_info{version="[^"]*",store="sqlite"} 1$' "$tmp/m0.txt" || fail "build info"
[ "$(value "$tmp/m0.txt" 'kiln_artifact_batches_total{result="stored"}')" = 0 ] || fail "batches at start"

lines=$(grep -c . "$tmp/run/ocptv.jsonl")
$feed "$url" "$OP" "$tmp/run" node-0 S-0 PO-2026-0042 --batches 4 > /dev/null
$feed "$url" "$OP" "$tmp/run" node-1 S-1 PO-2026-0042 --batches 4 --stream-only > /dev/null
scrape "$tmp/m1.txt"
stored=$(value "$tmp/m1.txt" 'kiln_artifact_batches_total{result="stored"}')
[ "$stored" = 8 ] || fail "8 batches streamed, kiln_artifact_batches_total{result=\"stored\"} is $stored"
[ "$(value "$tmp/m1.txt" kiln_artifact_lines_total)" = $((2 * lines)) ] || fail "lines: not $((2 * lines))"
[ "$(value "$tmp/m1.txt" kiln_artifact_batch_duration_seconds_count)" = 8 ] || fail "latency count"
[ "$(value "$tmp/m1.txt" 'kiln_artifact_batch_duration_seconds_bucket{le="+Inf"}')" = 8 ] || fail "+Inf bucket"
commits=$(value "$tmp/m1.txt" kiln_store_commit_duration_seconds_count)
[ "$commits" -ge 1 ] && [ "$commits" -le 8 ] || fail "group commits: $commits"
[ "$(value "$tmp/m1.txt" 'kiln_runs{kind="burnin",state="reported",verdict="PASS"}')" = 1 ] || fail "reported run"
[ "$(value "$tmp/m1.txt" 'kiln_runs{kind="burnin",state="registered",verdict="none"}')" = 1 ] || fail "running run"
[ "$(value "$tmp/m1.txt" 'kiln_delivery_nodes{delivery="PO-2026-0042",status="passed"}')" = 1 ] || fail "passed node"
[ "$(value "$tmp/m1.txt" 'kiln_delivery_nodes{delivery="PO-2026-0042",status="running"}')" = 1 ] || fail "running node"

# A third run, its stream in one batch.
run=$($feed "$url" "$OP" "$tmp/run" node-2 S-2 PO-2026-0042 --batches 1 --stream-only)
scrape "$tmp/m2.txt"
[ "$(value "$tmp/m2.txt" 'kiln_artifact_batches_total{result="stored"}')" = 9 ] || fail "9th batch"
[ "$(value "$tmp/m2.txt" kiln_artifact_lines_total)" = $((3 * lines)) ] || fail "lines after node-2"
# A refused batch (a foreign token) counts as refused.
curl -s -o /dev/null -H "Authorization: Bearer not-the-token" -d '{"artifacts":[]}' "$url/v1/runs/$run/artifacts"
scrape "$tmp/m3.txt"
[ "$(value "$tmp/m3.txt" 'kiln_artifact_batches_total{result="refused"}')" = 1 ] || fail "refused batch"
grep -E '^kiln_(artifact|runs|delivery|store|build|runner)' "$tmp/m3.txt" | grep -v _bucket
echo "metrics passed: $lines lines x 3 runs, $commits group commits for 8 batches"
