#!/usr/bin/env python3
"""N simulated runners against a kiln-orchestrator: each registers, then posts
BATCHES batches of LINES OCPTV lines on one keep-alive connection.
Prints batches/s, artifacts/s, per-batch latency p50/p99 (ms) as JSON.
  load.py URL OPERATOR_TOKEN N BATCHES LINES"""
import http.client, json, sys, threading, time, urllib.parse

url, op, n, batches, lines = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlparse(url)

def call(conn, method, path, token, body):
    conn.request(method, path, json.dumps(body), {"Authorization": "Bearer " + token,
                                                  "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise RuntimeError(f"{method} {path}: {r.status} {data[:200]}")
    return json.loads(data)

conn = http.client.HTTPConnection(u.hostname, u.port)
nodes = [f"bench-node-{i:04d}-{int(time.time())}" for i in range(n)]
started = call(conn, "POST", "/v1/burnins", op, {"nodes": nodes})["runs"]
latencies, errors, lock = [], [], threading.Lock()

def runner(run):
    c = http.client.HTTPConnection(u.hostname, u.port)
    try:
        reg = call(c, "POST", "/v1/runs/register", run["token"], {"node": {"ironic_uuid": run["node"],
                   "asset_tag": "PO-BENCH", "serial": run["node"]}})
        seq, mine = 0, []
        for _ in range(batches):
            batch = []
            for _ in range(lines):
                batch.append(json.dumps({"sequenceNumber": seq, "timestamp": "2026-11-21T10:00:00Z",
                    "testStepArtifact": {"testStepId": "step0", "measurementSeriesElement": {
                        "index": seq, "value": seq % 100, "measurementSeriesId": "step0-progress"}}}))
                seq += 1
            t = time.perf_counter()
            ack = call(c, "POST", f"/v1/runs/{reg['run_id']}/artifacts", run["token"], {"artifacts": batch})
            mine.append(time.perf_counter() - t)
            assert ack["acknowledged"] == seq - 1, ack
        with lock:
            latencies.extend(mine)
    except Exception as e:  # noqa: BLE001 - reported below
        with lock:
            errors.append(str(e))

t0 = time.perf_counter()
threads = [threading.Thread(target=runner, args=(r,)) for r in started]
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - t0
latencies.sort()
pct = lambda p: 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else None
print(json.dumps({"runners": n, "batches": len(latencies), "lines_per_batch": lines, "errors": errors[:3],
                  "wall_s": round(wall, 2), "batches_per_s": round(len(latencies) / wall, 1),
                  "artifacts_per_s": round(len(latencies) * lines / wall, 1),
                  "p50_ms": round(pct(0.50), 2), "p99_ms": round(pct(0.99), 2)}))
