#!/usr/bin/env bash
# bench/orchestrator_load/replicas.sh BIN_DIR [SECONDS]
# Ingest on PostgreSQL through one kiln-orchestrator and through two replicas of it on the same
# database (docs/orchestrator.md#replicas), in one run, side by side:
#   1. one replica: 1,000 simulated runners offer 5,000 batches/s, then as fast as they can;
#   2. two replicas: two generators of 500 runners, one per replica, 2,500 batches/s each (the
#      same 5,000/s in all), then both as fast as they can.
# PostgreSQL 15 is started here (initdb in a temporary directory, fsync on), everything on this
# machine's cores. One JSON line per generator; then the sums.
set -euo pipefail
bin=$1; seconds=${2:-20}
gen=$bin/orchestrator_load_gen
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL 15 is not installed (apt-get install postgresql)"; exit 2; }
tmp=$(mktemp -d /var/tmp/kiln-replicas-bench.XXXXXX)
pids=()
pg_as=(); [ "$(id -u)" = 0 ] && { pg_as=(runuser -u postgres --); chown postgres: "$tmp"; }
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  "${pg_as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
OP=bench-operator-token-0123456789
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${pg_as[@]}" "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres > "$tmp/initdb.log" 2>&1
"${pg_as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w \
  -o "-p $pgport -k $tmp -c listen_addresses='' -c max_connections=200" start > /dev/null

start_replica() {  # NAME -> sets url_NAME, pid_NAME
  printf 'port: 0\nstore: "host=%s port=%s user=postgres dbname=postgres"\noperator_token: %s\n' \
    "$tmp" "$pgport" "$OP" > "$tmp/$1.yaml"
  "$bin/kiln-orchestrator" --config "$tmp/$1.yaml" --port-file "$tmp/$1.port" > "$tmp/$1.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do [ -s "$tmp/$1.port" ] && break; sleep 0.1; done
  [ -s "$tmp/$1.port" ] || { cat "$tmp/$1.log"; exit 1; }
  printf -v "url_$1" 'http://127.0.0.1:%s' "$(cat "$tmp/$1.port")"
  printf -v "pid_$1" '%s' "$pid"
}
start_replica a
start_replica b
load() {  # URL PID NODES RATE OUT
  "$gen" --url "$1" --operator-token "$OP" --nodes "$3" --lines 5 --rate "$4" --seconds "$seconds" \
    --server-pid "$2" > "$5"
}
for rate in 5000 0; do
  load "$url_a" "$pid_a" 1000 "$rate" "$tmp/one.json"
  echo "one replica, $([ "$rate" = 0 ] && echo 'as fast as it goes' || echo "$rate/s offered"): $(cat "$tmp/one.json")"
  half=$(( rate / 2 ))
  load "$url_a" "$pid_a" 500 "$half" "$tmp/two-a.json" & ga=$!
  load "$url_b" "$pid_b" 500 "$half" "$tmp/two-b.json" & gb=$!
  wait "$ga" "$gb"
  echo "two replicas, A: $(cat "$tmp/two-a.json")"
  echo "two replicas, B: $(cat "$tmp/two-b.json")"
  python3 - "$tmp/one.json" "$tmp/two-a.json" "$tmp/two-b.json" "$rate" <<'PY'
import json, sys
one, a, b = (json.load(open(p)) for p in sys.argv[1:4])
rate = sys.argv[4]
two = a["per_s"] + b["per_s"]
print(f"  {'offered 5000/s' if rate != '0' else 'closed loop'}: one replica {one['per_s']:.0f}/s p50 {one['p50_ms']:.1f} ms "
      f"p99 {one['p99_ms']:.1f} ms, server {one['server_cpu_cores']:.2f} cores | two replicas {two:.0f}/s "
      f"p50 {max(a['p50_ms'], b['p50_ms']):.1f} ms p99 {max(a['p99_ms'], b['p99_ms']):.1f} ms, servers "
      f"{a['server_cpu_cores'] + b['server_cpu_cores']:.2f} cores | ratio {two / one['per_s']:.2f}x; errors {one['errors']} / {a['errors'] + b['errors']}")
PY
done
