#!/usr/bin/env bash
# bench/orchestrator_load/run.sh BIN_DIR [SECONDS] [LINES] [NODES...]
# kiln-orchestrator (SQLite on disk, WAL, synchronous=FULL, no Ironic) under
# orchestrator_load_gen, then the same client against a real Ironic (PATCH of
# a node's extra), all on this machine. Prints one JSON line per run:
#   1. for each NODES (default 1000 10000): open loop, 5000 batches/s offered
#      (each node sends every NODES/5000 s), latency from the scheduled time;
#   2. closed loop (every node as fast as it can) with 1000 nodes: the peak;
#   3. the ratio: kiln and Ironic with the same client, 8 connections each,
#      closed loop (Ironic's API+conductor is one process; more connections
#      only queue).
# The load generator runs on the same cores as the server; its CPU is printed.
set -euo pipefail
bin=$1; seconds=${2:-20}; lines=${3:-5}; shift $(( $# > 3 ? 3 : $# )) || true
node_counts=("$@"); [ ${#node_counts[@]} -gt 0 ] || node_counts=(1000 10000)
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
gen=$bin/orchestrator_load_gen
tmp=$(mktemp -d /var/tmp/kiln-orch-bench.XXXXXX)  # on disk: fsync is part of the figure
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  "$src/tests/integration/ironic_fixture.sh" stop "$tmp/ironic" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
OP=bench-operator-token-0123456789
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)" MiB"}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"

start_kiln() {
  [ -n "$pid" ] && { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }
  rm -rf "$tmp/db" "$tmp/port"; mkdir -p "$tmp/db"
  printf 'port: 0\nstore: sqlite://%s/db/kiln.db\noperator_token: %s\nmax_body_bytes: 67108864\n' \
    "$tmp" "$OP" > "$tmp/o.yaml"
  "$bin/kiln-orchestrator" --config "$tmp/o.yaml" --port-file "$tmp/port" > "$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  url=http://127.0.0.1:$(cat "$tmp/port")
}
kiln_load() {  # NODES RATE
  start_kiln
  "$gen" --url "$url" --operator-token "$OP" --nodes "$1" --lines "$lines" --rate "$2" \
    --seconds "$seconds" --server-pid "$pid"
}

for n in "${node_counts[@]}"; do kiln_load "$n" 5000; done
kiln_load 1000 0
kiln_load 8 0 > "$tmp/kiln8"; kiln8=$(cat "$tmp/kiln8"); echo "$kiln8"  # no subshell: $pid stays here

if ironic_url=$("$src/tests/integration/ironic_fixture.sh" start "$tmp/ironic" 2>/dev/null); then
  H='X-OpenStack-Ironic-API-Version: 1.82'
  nodes=()
  for i in $(seq 8); do
    nodes+=(--ironic-node "$(curl -sf -H "$H" -H 'Content-Type: application/json' \
      -d '{"driver":"fake-hardware"}' "$ironic_url/v1/nodes" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')")
  done
  ironic=$("$gen" --ironic-url "$ironic_url" "${nodes[@]}" --seconds "$seconds" \
    --server-pid "$(cat "$tmp/ironic/ironic.pid")")
  echo "$ironic"
  python3 - "$kiln8" "$ironic" <<'EOF'
import json, sys
k, i = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = k["per_s"] / i["per_s"] if i["per_s"] else float("inf")
print(f"ratio: kiln {k['per_s']} batches/s vs Ironic {i['per_s']} PATCH/s = {ratio:.0f}x "
      "(same client, 8 connections each, closed loop)")
EOF
else
  echo "Ironic not installed (apt-get install ironic-common): no ratio"
fi
