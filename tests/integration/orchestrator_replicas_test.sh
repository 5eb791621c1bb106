#!/usr/bin/env bash
# Two kiln-orchestrator replicas on one PostgreSQL (started here) behind a
# round-robin load balancer (round_robin_proxy.py), a real Ironic
# (fake-hardware) and the real kiln-runner.
#   orchestrator_replicas_test.sh BIN_DIR SOURCE_DIR
# - two concurrent `burnin start` for the same node, one through each replica:
#   exactly one run (one 201, one 409);
# - replica A leads (PostgreSQL advisory lock): it drives Ironic; the runner's
#   batches reach both replicas in turn;
# - A is killed -9 mid-run: within 10 s B leads and drives the node on; the
#   run completes PASS, every artifact is stored exactly once and every
#   Ironic step was taken once (the replicas' "ironic step" log lines).
set -euo pipefail
bin=$1; src=$2
it=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$it/orchestrator_rig.sh"
rig_init kiln-replicas-it
fail() {
  echo "FAIL: $*" >&2
  for r in a b; do echo "--- replica $r" >&2; tail -n 25 "$tmp/orch-$r.log" >&2 2>/dev/null || true; done
  exit 1
}
rig_start_postgres
rig_start_ironic
rig_enrol_node kiln-it-replicas

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: inventory\n  - stage: memtest\n    params: {size_mib: 32, passes: 0, duration: 15s, reserve_mib: 0}\n' \
  > "$tmp/configs/profiles/burnin.yaml"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_a=$(free_port); port_b=$(free_port)
/usr/bin/python3 "$it/round_robin_proxy.py" "$tmp/lb-port" "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b" &
lb_pid=$!
rig_on_exit 'kill $lb_pid'
for _ in $(seq 50); do [ -s "$tmp/lb-port" ] && break; sleep 0.1; done
lb=http://127.0.0.1:$(cat "$tmp/lb-port")
# Runners are told the load balancer's URL; each replica listens on its own port.
rig_write_config --store "$pg_store" "public_url: $lb"

start_replica() {  # NAME PORT: $pid_NAME
  "$bin/kiln-orchestrator" --config "$tmp/orchestrator.yaml" --port "$2" --port-file "$tmp/port-$1" \
    >> "$tmp/orch-$1.log" 2>&1 &
  printf -v "pid_$1" '%s' $!
  for _ in $(seq 100); do [ -s "$tmp/port-$1" ] && return 0; sleep 0.1; done
  fail "replica $1 did not start"
}
start_replica a "$port_a"
rig_on_exit 'kill -TERM $pid_a 2>/dev/null && wait $pid_a'
start_replica b "$port_b"
rig_on_exit 'kill -TERM $pid_b 2>/dev/null && wait $pid_b'
sleep 0.5
grep -q "this replica leads" "$tmp/orch-a.log" || fail "replica A (started first) does not lead"
grep -q "this replica leads" "$tmp/orch-b.log" && fail "both replicas lead"
url=$lb  # kilnctl through the load balancer

# Two starts of the same node at once, one through each replica.
starts=()
for r in a b; do
  p=port_$r
  curl -s -o "$tmp/start-$r.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $OP" \
    -d "{\"nodes\": [\"$node\"]}" "http://127.0.0.1:${!p}/v1/burnins" > "$tmp/code-$r" &
  starts+=($!)
done
wait "${starts[@]}" || true
codes=$(printf '%s\n%s\n' "$(cat "$tmp/code-a")" "$(cat "$tmp/code-b")" | sort | tr '\n' ' ')
[ "$codes" = "201 409 " ] || fail "concurrent starts answered '$codes': $(cat "$tmp"/start-*.json)"
grep -qh '"code":"burnin_in_progress"' "$tmp"/start-*.json || fail "the refusal: $(cat "$tmp"/start-*.json)"
[ "$(kilnctl -f json run list | jget 'len(d["runs"])')" = 1 ] || fail "not exactly one run"
echo "concurrent starts through both replicas: $codes(one run)"

rig_wait_deployed burning-in
rig_kernel_params
[ "$kurl" = "$lb" ] || fail "the runner is not sent to the load balancer: $kurl"
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$kurl" --token "$ktoken" --node "$knode" --flush-timeout 120 \
  > "$tmp/runner.log" 2>&1 &
runner_pid=$!
for _ in $(seq 100); do [ "$(wc -l 2>/dev/null < "$tmp/run/ocptv.jsonl" || echo 0)" -ge 10 ] && break; sleep 0.2; done
sleep 3
kill -KILL "$pid_a"; wait "$pid_a" 2>/dev/null || true
killed=$(date +%s.%N)
echo "replica A (the leader) killed -9 with $(wc -l < "$tmp/run/ocptv.jsonl") artifacts written"
for _ in $(seq 100); do grep -q "this replica leads" "$tmp/orch-b.log" && break; sleep 0.1; done
grep -q "this replica leads" "$tmp/orch-b.log" || fail "replica B did not take the lead within 10 s"
took=$(python3 -c "import sys,time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$killed")
echo "replica B leads ${took} s after the kill"

set +e
wait "$runner_pid"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$tmp/runner.log"; fail "kiln-runner exited $rc"; }
run_id=$(kilnctl -f json run list | jget 'd["runs"][-1]["id"]')
wait_for 60 'd["provision_state"] == "available" and d["target_provision_state"] is None and "CUSTOM_KILN_PASSED" in d["traits"]'
[ "$(node_field 'd["extra"]["kiln"]["verdict"] + " " + d["extra"]["kiln"]["run_id"]')" = "PASS $run_id" ] || fail "extra.kiln"

curl -sf -H "Authorization: Bearer $OP" "$lb/v1/runs/$run_id/artifacts" > "$tmp/stored.json"
python3 - "$tmp/stored.json" "$tmp/run/ocptv.jsonl" <<'PY'
import json, sys
stored = [json.loads(l) for l in json.load(open(sys.argv[1]))["artifacts"]]
local = [json.loads(l) for l in open(sys.argv[2])]
assert [a["sequenceNumber"] for a in stored] == list(range(len(local))), \
    f"stored {len(stored)} artifacts, runner wrote {len(local)}"
assert stored == local, "stored artifacts differ from ocptv.jsonl"
print(f"{len(stored)} artifacts stored, none missing or duplicated")
PY
batches_a=$(grep -c "path=/v1/runs/$run_id/artifacts status=200" "$tmp/orch-a.log" || true)
batches_b=$(grep -c "path=/v1/runs/$run_id/artifacts status=200" "$tmp/orch-b.log" || true)
echo "artifact batches stored: $batches_a through A, $batches_b through B"
[ "$batches_a" -ge 1 ] && [ "$batches_b" -ge 1 ] || fail "the batches did not reach both replicas"
# Each Ironic step once, across both replicas; the ones after the kill by B.
grep -h 'msg="ironic step"' "$tmp/orch-a.log" "$tmp/orch-b.log" | grep -o ' to=[a-z_]*' | sort > "$tmp/steps"
echo "ironic steps: $(tr -d '\n' < "$tmp/steps")"
[ -z "$(uniq -d "$tmp/steps")" ] || fail "an Ironic step was taken twice: $(uniq -d "$tmp/steps")"
grep -q 'msg="ironic step".* to=judge' "$tmp/orch-b.log" || fail "replica B did not judge the run"
grep -q 'msg="ironic step".* to=deploy' "$tmp/orch-a.log" || fail "replica A did not deploy the node"
echo "orchestrator replicas passed"
