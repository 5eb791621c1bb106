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
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
py=/usr/bin/python3  # Debian's python3-selenium
tmp=$(mktemp -d /var/tmp/kiln-dash-bench.XXXXXX)
pid=""; gen_pid=""
cleanup() {
  [ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null || true
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
OP=bench-operator-token-0123456789
VIEW=bench-viewer-token-0123456789ab
TAG=PO-BENCH-1000
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# A real report: the runner's benchmark stage, one second per workload.
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cp "$src/configs/hepbench-reference.yaml" "$tmp/configs/"
printf 'delivery: PO-2026-0042\nprofile: bench\nlimits:\n  benchmark:\n    min_score: 1\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: bench\nstages:\n  - stage: benchmark\n    params: {length: box=1s}\n' > "$tmp/configs/profiles/bench.yaml"
"$bin/kiln-runner" run --config "$tmp/configs" --profile bench \
  --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$tmp/run" > "$tmp/runner.log" 2>&1 || [ $? -eq 1 ]

printf 'port: 0\nstore: sqlite://%s/kiln.db\noperator_token: %s\nviewer_tokens: [%s]\nui_dir: %s\nmax_body_bytes: 67108864\n' \
  "$tmp" "$OP" "$VIEW" "$src/orchestrator/ui" > "$tmp/o.yaml"
"$bin/kiln-orchestrator" --config "$tmp/o.yaml" --port-file "$tmp/port" > "$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$tmp/port")

t0=$(date +%s)
$py "$here/populate.py" "$url" "$OP" "$tmp/run" "$TAG" "$nodes"
echo "populated in $(( $(date +%s) - t0 )) s"
$py "$here/measure.py" "$url" "$VIEW" "$TAG" quiet 5 100

"$bin/orchestrator_load_gen" --url "$url" --operator-token "$OP" --nodes 1000 --lines 5 --rate 5000 \
  --seconds "$seconds" --server-pid "$pid" > "$tmp/gen.json" &
gen_pid=$!
sleep 5  # the generator's runners registered and streaming
$py "$here/measure.py" "$url" "$VIEW" "$TAG" "under 5000 batches/s" 5 100
# The generator's own delivery: 1,000 nodes streaming, so every view is computed afresh.
$py "$here/measure.py" "$url" "$VIEW" PO-BENCH "the streaming delivery, under 5000 batches/s" 3 50
wait "$gen_pid"; gen_pid=""
echo "load generator: $(cat "$tmp/gen.json")"
echo "targets: page_load_ms_median < 1000, every call's p99_ms < 100; the generator's p99 < 50 ms at 5000/s"
