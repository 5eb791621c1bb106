#!/usr/bin/env bash
# bench/orchestrator_load/run.sh BIN_DIR [N] [BATCHES] [LINES]
# Starts kiln-orchestrator (SQLite in a temp dir, no Ironic), runs load.py with
# N simulated runners, prints its figures and the orchestrator's peak RSS; then,
# if Ironic is installed, the rate of sequential Ironic node PATCHes (what the
# driver does per step) on a fake-hardware node for comparison.
set -euo pipefail
bin=$1; n=${2:-20}; batches=${3:-50}; lines=${4:-50}
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/kiln-orch-bench.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  "$src/tests/integration/ironic_fixture.sh" stop "$tmp/ironic" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
OP=bench-operator-token-0123456789
printf 'port: 0\nstore: sqlite://%s/kiln.db\noperator_token: %s\nmax_batch_lines: 100000\nmax_body_bytes: 67108864\n' \
  "$tmp" "$OP" > "$tmp/o.yaml"
"$bin/kiln-orchestrator" --config "$tmp/o.yaml" --port-file "$tmp/port" > "$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$tmp/port")
python3 "$here/load.py" "$url" "$OP" "$n" "$batches" "$lines"
echo "orchestrator peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"

if url=$("$src/tests/integration/ironic_fixture.sh" start "$tmp/ironic" 2>/dev/null); then
  H='X-OpenStack-Ironic-API-Version: 1.82'
  node=$(curl -sf -H "$H" -H 'Content-Type: application/json' -d '{"driver":"fake-hardware"}' "$url/v1/nodes" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
  start=$(date +%s.%N)
  for i in $(seq 50); do
    curl -sf -X PATCH -H "$H" -H 'Content-Type: application/json' \
      -d "[{\"op\":\"add\",\"path\":\"/extra/kiln\",\"value\":{\"i\":$i}}]" "$url/v1/nodes/$node" >/dev/null
  done
  python3 -c "import sys; print(f'Ironic PATCH rate: {50 / (float(sys.argv[2]) - float(sys.argv[1])):.1f}/s (50 sequential)')" \
    "$start" "$(date +%s.%N)"
fi
