# shellcheck shell=bash
# Sourced by bench/dashboard/run.sh and ingest_with_readers.sh: the set-up they
# share. bench_init NAME makes $tmp (removed at exit with the orchestrator and
# $child_pid), $OP, $here, $src; bench_runner_report runs a real kiln-runner
# benchmark stage (one second per workload) into $tmp/run; bench_orchestrator
# "EXTRA YAML" starts kiln-orchestrator on SQLite in $tmp ($pid, $url).
bench_init() {
  here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd); src=$(cd "$here/../.." && pwd)
  tmp=$(mktemp -d "/var/tmp/$1.XXXXXX")
  pid=""; child_pid=""
  trap bench_cleanup EXIT
  OP=bench-operator-token-0123456789
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_cleanup() {
  [ -n "$child_pid" ] && kill "$child_pid" 2>/dev/null || true
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}

bench_runner_report() {
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
  cp "$src/configs/hepbench-reference.yaml" "$tmp/configs/"
  printf 'delivery: PO-2026-0042\nprofile: bench\nlimits:\n  benchmark:\n    min_score: 1\n' > "$tmp/configs/deliveries/po.yaml"
  printf 'profile: bench\nstages:\n  - stage: benchmark\n    params: {length: box=1s}\n' > "$tmp/configs/profiles/bench.yaml"
  "$bin/kiln-runner" run --config "$tmp/configs" --profile bench \
    --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$tmp/run" > "$tmp/runner.log" 2>&1 || [ $? -eq 1 ]
}

bench_orchestrator() {  # EXTRA_YAML (lines after the store and operator token)
  printf 'port: 0\nstore: sqlite://%s/kiln.db\noperator_token: %s\nmax_body_bytes: 67108864\n%s\n' \
    "$tmp" "$OP" "${1:-}" > "$tmp/o.yaml"
  "$bin/kiln-orchestrator" --config "$tmp/o.yaml" --port-file "$tmp/port" > "$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  url=http://127.0.0.1:$(cat "$tmp/port")
}
