#!/usr/bin/env bash
# bench/dashboard/ingest_with_readers.sh BIN_DIR [NODES] [SECONDS]
# What the operator views cost the runners' ingest: a delivery of NODES (default 10000) with real
# reports stored (populate.py), then orchestrator_load_gen streaming 5,000 batches/s from another
# 1,000 runners for SECONDS (default 20) three times: with no reader, with one reader fetching
# GET /v1/nodes pages of 500 back to back (?after= through the whole list, as kilnctl or a
# script would), and with one reader fetching the biggest page (?limit=5000) back to back. Prints
# the generator's JSON line per phase, the reader's calls and p50/p99, and the largest WAL file
# seen (SQLite; sampled every 0.5 s). No browser: only the API, the store and the cores.
set -euo pipefail
bin=$1; nodes=${2:-10000}; seconds=${3:-20}
# shellcheck source=bench/dashboard/lib.sh
. "$(dirname "$0")/lib.sh"
bench_init kiln-ingest-readers
bench_runner_report
bench_orchestrator
/usr/bin/python3 "$here/populate.py" "$url" "$OP" "$tmp/run" PO-READERS "$nodes"

# The reader: MODE pages | biggest; runs until SIGTERM, then prints its figures.
cat > "$tmp/reader.py" <<'PY'
import http.client, json, signal, sys, time, urllib.parse
url, token, mode = sys.argv[1:4]
h = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(h.hostname, h.port, timeout=60)
ms, after, failures = [], "", []
def done(*_):
    ms.sort()
    print(json.dumps({"reader": mode, "calls": len(ms), "p50_ms": round(ms[len(ms) // 2], 1) if ms else None,
                      "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1) if ms else None,
                      "failures": len(failures), "first_failure": failures[:1]}), flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    path = "/v1/nodes?limit=5000" if mode == "biggest" else "/v1/nodes" + (f"?after={after}" if after else "")
    t0 = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        answer = conn.getresponse()
        body = json.loads(answer.read())
        assert answer.status == 200, (answer.status, body)
    except (OSError, http.client.HTTPException, AssertionError, ValueError) as e:
        failures.append(f"{time.strftime('%H:%M:%S')} {path}: {e!r}")
        conn.close()
        conn = http.client.HTTPConnection(h.hostname, h.port, timeout=60)
        continue
    ms.append((time.perf_counter() - t0) * 1000)
    after = body.get("next", "")
PY
for mode in none pages biggest; do
  if [ "$mode" != none ]; then
    /usr/bin/python3 "$tmp/reader.py" "$url" "$OP" "$mode" > "$tmp/reader.json" &
    child_pid=$!
  fi
  "$bin/orchestrator_load_gen" --url "$url" --operator-token "$OP" --nodes 1000 --lines 5 --rate 5000 \
    --seconds "$seconds" --server-pid "$pid" > "$tmp/gen.json" &
  gen=$!
  wal=0
  while kill -0 "$gen" 2>/dev/null; do
    w=$(stat -c %s "$tmp/kiln.db-wal" 2>/dev/null || echo 0); [ "$w" -gt "$wal" ] && wal=$w
    sleep 0.5
  done
  wait "$gen" || true
  if [ -n "$child_pid" ]; then kill -TERM "$child_pid"; wait "$child_pid" || true; child_pid=""; fi
  echo "readers: $mode; largest WAL $((wal / 1048576)) MiB; load average $(cut -d' ' -f1 /proc/loadavg)"
  echo "  load generator: $(cat "$tmp/gen.json")"
  [ "$mode" = none ] || echo "  reader: $(cat "$tmp/reader.json")"
done
grep -Ev 'level=info msg=request' "$tmp/log" | tail -n 5
