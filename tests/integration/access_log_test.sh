#!/usr/bin/env bash
# The access log of the real kiln-orchestrator: one line per request (method,
# path, status, bytes, duration, run/node), and no secret in any line of its
# output: not the operator token, not a run's token (Authorization headers,
# the kernel command line), not a token sent in a query string, not the
# password of an Ironic URL, not a password in a request body. The real
# kiln-runner streams an inventory run through it. SIGHUP reloads config_dir
# while a keep-alive connection stays open and answering.
#   access_log_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1; src=$2
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-access-log
for tool in curl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }; done

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/burnin.yaml"
rig_write_config "log_level: debug"
start_orchestrator

node=log-node-0001
out=$(kilnctl -f json burnin start --node "$node") || fail "burnin start: $out"
run=$(jget 'd["runs"][0]["run_id"]' <<< "$out")
token=$(jget 'd["runs"][0]["token"]' <<< "$out")
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$url" --token "$token" --node "$node" \
  --flush-timeout 60 > "$tmp/runner.log" 2>&1 || { cat "$tmp/runner.log"; fail "kiln-runner"; }
kilnctl run show "$run" > /dev/null
wrong=wrong-operator-token-7c0ffee1234
body_secret=body-password-91be55d0
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code -H "Authorization: Bearer $wrong" "$url/v1/nodes")" = 401 ] || fail "a wrong token was let in"
[ "$(code "$url/v1/runs?token=$OP")" = 401 ] || fail "a query-string token was let in"
[ "$(code -X POST -H "Authorization: Bearer $OP" -d "{\"nodes\": [], \"password\": \"$body_secret\"}" \
  "$url/v1/burnins")" = 400 ] || fail "a bad burn-in start was accepted"

# SIGHUP (systemctl reload) reads config_dir again; a keep-alive connection open across it
# goes on answering on the same socket, and a delivery added meanwhile resolves.
printf 'delivery: PO-RELOAD\nprofile: burnin\n' > "$tmp/configs/deliveries/reload.yaml"
python3 - "$port" "$orch_pid" "$tmp/orch.log" "$OP" <<'PY' || fail "the reload dropped a connection or did not load"
import http.client, json, os, signal, sys, time
port, pid, log, op = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def get(path):
    conn.request("GET", path, headers={"Authorization": "Bearer " + op})
    r = conn.getresponse(); body = r.read()
    return r.status, json.loads(body)
assert get("/healthz")[0] == 200
sock = conn.sock
loaded = open(log).read().count('msg="config_dir loaded"')
os.kill(pid, signal.SIGHUP)
for _ in range(100):
    if open(log).read().count('msg="config_dir loaded"') > loaded: break
    time.sleep(0.05)
else:
    raise SystemExit("no 'config_dir loaded' line after SIGHUP")
last = [l for l in open(log).read().splitlines() if 'msg="config_dir loaded"' in l][-1]
assert "deliveries=2" in last, last  # po.yaml and the new reload.yaml
assert get("/readyz")[0] == 200 and conn.sock is sock, "a new connection was needed"
print("SIGHUP: config_dir reloaded, the keep-alive connection kept")
PY

# Restarted with an Ironic nobody answers at (port 9), behind basic auth: the
# driver's errors name its URL, the token it makes goes into a kernel command line.
ironic_secret=ironic-basic-auth-pw-5f1e0c7a
kill -TERM "$orch_pid"; wait "$orch_pid" || true
rig_write_config "log_level: debug
ironic:
  url: http://kiln:$ironic_secret@127.0.0.1:9
  poll_interval_ms: 200
  max_backoff_ms: 400"
start_orchestrator
kilnctl burnin start --node log-node-0002 > /dev/null
for _ in $(seq 50); do grep -q 'msg="ironic step failed" node=log-node-0002' "$tmp/orch.log" && break; sleep 0.1; done

# The log is read before the orchestrator stops: the last request is in it.
requests=$(grep -c 'msg=request' "$tmp/orch.log")
echo "$requests request lines; for example:"
grep 'msg=request' "$tmp/orch.log" | grep -E 'runs/register|artifacts|report' | head -3
grep -q "msg=request method=POST path=/v1/runs/register status=200 bytes=[0-9]* duration_ms=[0-9.]* run=$run\$" \
  "$tmp/orch.log" || fail "no access line for the register, naming its run"
grep -q "msg=request method=POST path=/v1/runs/$run/artifacts status=200 bytes=[0-9]* duration_ms=[0-9.]* run=$run" \
  "$tmp/orch.log" || fail "no access line for an artifact batch"
grep -q "msg=request method=POST path=/v1/runs/$run/report status=200 .* run=$run" "$tmp/orch.log" ||
  fail "no access line for the report"
grep -q 'msg=request method=GET path=/v1/runs status=401 ' "$tmp/orch.log" ||
  fail "the query-string request is not logged without its query"
grep -q 'msg=request method=POST path=/v1/burnins status=400 ' "$tmp/orch.log" || fail "no line for the 400"
grep -q 'level=warning msg="ironic step failed" node=log-node-0002' "$tmp/orch.log" ||
  fail "the driver's failures are not logged"

# One line per request: the orchestrator's count against ours, over one more batch of calls.
before=$requests
for _ in $(seq 20); do kilnctl node list > /dev/null; done
curl -s -o /dev/null -o /dev/null -o /dev/null -H "Authorization: Bearer $OP" "$url/v1/runs" "$url/v1/nodes" "$url/v1/deliveries"
sleep 0.3
after=$(grep -c 'msg=request' "$tmp/orch.log")
[ $((after - before)) = 23 ] || fail "23 requests gave $((after - before)) access lines"

# No secret in any line.
for secret in "$OP" "$token" "$wrong" "$ironic_secret" "$body_secret"; do
  if grep -n -F -- "$secret" "$tmp/orch.log" >&2; then fail "a secret is in the log (above)"; fi
done
grep -q '<redacted>@127.0.0.1:9' "$tmp/orch.log" || fail "the Ironic URL's password was not masked"
echo "access log passed: $after lines, no token or password in them"
