#!/usr/bin/env bash
# bench/dashboard/summary_cold.sh BIN_DIR [NODES] [OTHER_BIN_DIR]
# What one delivery summary costs computed, not kept: a delivery of NODES (default 10000) with
# real reports stored (populate.py), then GET /v1/deliveries/TAG/summary three times, each the
# first call of a freshly started orchestrator (the read cache keeps a view until the delivery
# changes: only a first call computes it), and the size of each part of the answer. With OTHER_BIN_DIR the same store is then read by that build's orchestrator (a
# before/after on one database; both must speak its schema).
set -euo pipefail
bin=$1; nodes=${2:-10000}; other=${3:-}
# shellcheck source=bench/dashboard/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init kiln-summary-cold
bench_runner_report
TAG=PO-COLD
measure() {  # label
  for _ in 1 2 3; do
    kill -TERM "$pid"; wait "$pid" || true
    rm -f "$tmp/port"
    bench_orchestrator ""
    curl -s -o "$tmp/summary.json" -w "$1 summary computed: %{time_total} s, %{size_download} bytes\n" \
      -H "Authorization: Bearer $OP" "$url/v1/deliveries/$TAG/summary"
  done
  /usr/bin/python3 - "$tmp/summary.json" "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
size = lambda v: len(json.dumps(v, separators=(",", ":")))
parts = {k: size(v) for k, v in s.items()}
values = sum(size(f.get("values", [])) for f in s["figures"])
bins = sum(size(f.get("distribution", {})) for f in s["figures"])
print(sys.argv[2], "parts (bytes):", json.dumps(dict(sorted(parts.items(), key=lambda p: -p[1])[:6])),
      f"figures: {len(s['figures'])}, per-node values {values}, bins {bins}; figure_values {s.get('figure_values', 'per node')}")
PY
}
bench_orchestrator ""
/usr/bin/python3 "$here/populate.py" "$url" "$OP" "$tmp/run" "$TAG" "$nodes"
measure "$bin"
if [ -n "$other" ]; then
  bin=$other
  measure "$other"
fi
