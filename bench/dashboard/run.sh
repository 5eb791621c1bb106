#!/usr/bin/env bash
# bench/dashboard/run.sh BIN_DIR [NODES] [SECONDS]
# A delivery of NODES (default 1000) stored in kiln-orchestrator (SQLite on disk), each with a real
# kiln-runner report; then its dashboard page in headless Chromium and the API calls the page makes
# (measure.py), first on a quiet orchestrator, then while orchestrator_load_gen streams 5,000
# artifact batches/s from another 1,000 simulated runners (delivery PO-BENCH), and that streaming
# delivery's own page and calls, which no kept view can answer. Prints one JSON line per phase and the
# targets: page < 1 s, calls p99 < 100 ms. Everything shares this machine's cores.
set -euo pipefail
bin=$1; nodes=${2:-1000}; seconds=${3:-40}
# shellcheck source=bench/dashboard/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init kiln-dash-bench
py=/usr/bin/python3  # Debian's python3-selenium
VIEW=bench-viewer-token-0123456789ab
TAG=PO-BENCH-1000
bench_runner_report
bench_orchestrator "viewer_tokens: [$VIEW]
ui_dir: $src/orchestrator/ui"

t0=$(date +%s)
$py "$here/populate.py" "$url" "$OP" "$tmp/run" "$TAG" "$nodes"
echo "populated in $(( $(date +%s) - t0 )) s"
$py "$here/measure.py" "$url" "$VIEW" "$TAG" quiet 5 100

"$bin/orchestrator_load_gen" --url "$url" --operator-token "$OP" --nodes 1000 --lines 5 --rate 5000 \
  --seconds "$seconds" --server-pid "$pid" > "$tmp/gen.json" &
child_pid=$!
sleep 5  # the generator's runners registered and streaming
$py "$here/measure.py" "$url" "$VIEW" "$TAG" "under 5000 batches/s" 5 100
# The generator's own delivery: 1,000 nodes streaming, so every view is computed afresh.
$py "$here/measure.py" "$url" "$VIEW" PO-BENCH "the streaming delivery, under 5000 batches/s" 3 50
wait "$child_pid"; child_pid=""
echo "load generator: $(cat "$tmp/gen.json")"
echo "targets: page_load_ms_median < 1000, every call's p99_ms < 100; the generator's p99 < 50 ms at 5000/s"
