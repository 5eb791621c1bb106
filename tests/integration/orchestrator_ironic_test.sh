#!/usr/bin/env bash
# kiln-orchestrator + a real Ironic (fake-hardware) + the real kiln-runner.
#   orchestrator_ironic_test.sh BIN_DIR SOURCE_DIR pass|fail|kill9|down30|pass_pg|ironic400
# pass:   manageable node -> kilnctl burnin start -> runner (inventory) reports
#         PASS -> node available, extra.kiln, CUSTOM_KILN_PASSED
# fail:   an impossible tender figure -> FAIL -> maintenance with the reason, active
# kill9:  the orchestrator is killed -9 mid-run and restarted: the run completes,
#         no artifact missing or duplicated
# ironic400: Ironic refuses the PATCH (unknown deploy interface): its message is shown
# pass_pg: pass with the run store on PostgreSQL (a server this test starts)
# down30: the orchestrator is away 30 s while the runner streams: everything
#         arrives afterwards
set -euo pipefail
bin=$1; src=$2; case_=$3
it=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$it/orchestrator_rig.sh"
rig_init kiln-orch-it
rig_start_ironic
rig_enrol_node kiln-it

# Runner configs: inventory only (fast) or memtest long enough for the faults.
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
# An impossible tender figure: 4096 CPU threads.
[ "$case_" = fail ] && printf 'expected:\n  cpu_threads: 4096\n' >> "$tmp/configs/deliveries/po.yaml"
case $case_ in
  pass|fail|pass_pg|ironic400) printf 'profile: burnin\nstages:\n  - stage: inventory\n' ;;
  kill9|down30) printf 'profile: burnin\nstages:\n  - stage: inventory\n  - stage: memtest\n    params: {size_mib: 64, passes: 0, duration: 40s, reserve_mib: 0}\n' ;;
esac > "$tmp/configs/profiles/burnin.yaml"

store=sqlite://$tmp/kiln.db
if [ "$case_" = pass_pg ]; then
  pgbin=/usr/lib/postgresql/15/bin
  [ -x "$pgbin/initdb" ] || { echo "SKIP: PostgreSQL 15 is not installed (apt-get install postgresql)"; exit 77; }
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as=(); [ "$(id -u)" = 0 ] && { as=(runuser -u postgres --); chown postgres: "$tmp"; }
  "${as[@]}" "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres > "$tmp/initdb.log" 2>&1 || fail "initdb"
  "${as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o "-p $pgport -k $tmp -c listen_addresses=''" start >/dev/null ||
    fail "pg_ctl start"
  rig_on_exit '"${as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1'
  store="host=$tmp port=$pgport user=postgres dbname=postgres"
fi
deploy_interface=fake; [ "$case_" = ironic400 ] && deploy_interface=no-such-interface
rig_write_config --store "$store" --deploy-interface $deploy_interface "max_body_bytes: 1048576"
start_orchestrator

if [ "$case_" = pass ]; then  # refusals over real HTTP: JSON errors, nothing changes
  code() { curl -s -o "$tmp/err.json" -w '%{http_code}' "$@"; }
  [ "$(code -X POST -d '{}' "$url/v1/runs/register")" = 401 ] || fail "register without a token"
  grep -q '"code":"unauthenticated"' "$tmp/err.json" || fail "error body: $(cat "$tmp/err.json")"
  [ "$(code -H "Authorization: Bearer wrong-token" "$url/v1/nodes")" = 401 ] || fail "wrong operator token"
  head -c 2000000 /dev/zero | tr '\0' 'x' > "$tmp/big"
  [ "$(code -X POST -H "Authorization: Bearer $OP" --data-binary @"$tmp/big" "$url/v1/burnins")" = 413 ] ||
    fail "oversized body: $(cat "$tmp/err.json")"
  [ "$(code -X POST -H "Authorization: Bearer $OP" -d '{"nodes": [' "$url/v1/burnins")" = 400 ] || fail "malformed"
  [ "$(kilnctl -f json run list | jget 'len(d["runs"])')" = 0 ] || fail "a refused request changed something"
fi
kilnctl burnin start --node "$node"
if [ "$case_" = ironic400 ]; then  # Ironic refuses the PATCH: its own message reaches the operator
  for _ in $(seq 60); do
    err=$(kilnctl -f json run list | jget 'd["runs"][0]["ironic_error"]')
    [ -n "$err" ] && break; sleep 0.5
  done
  echo "ironic_error: $err"
  grep -q "no-such-interface" <<< "$err" || fail "Ironic's message is missing: '$err'"
  grep -q "faultstring" <<< "$err" && fail "the error still holds Ironic's JSON wrapper: $err"
  [ "$(node_field 'd["provision_state"]')" = manageable ] || fail "the node moved"
  kilnctl run show "$(kilnctl -f json run list | jget 'd["runs"][0]["id"]')"
  echo "orchestrator/Ironic $case_ passed"; exit 0
fi
rig_wait_deployed burning-in
# The test plays the ramdisk: kiln.url, kiln.node, kiln.token from the command line.
rig_kernel_params
[ "$knode" = "$node" ] && [ "$kurl" = "$url" ] && [ ${#ktoken} -eq 64 ] || fail "kernel params: $params"

"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$kurl" --token "$ktoken" --node "$knode" --flush-timeout 120 \
  > "$tmp/runner.log" 2>&1 &
runner_pid=$!
case $case_ in
  kill9)
    for _ in $(seq 100); do [ "$(wc -l < "$tmp/run/ocptv.jsonl" 2>/dev/null || echo 0)" -ge 10 ] && break; sleep 0.2; done
    sleep 3
    kill -KILL "$orch_pid"; wait "$orch_pid" 2>/dev/null || true
    echo "orchestrator killed -9 with $(wc -l < "$tmp/run/ocptv.jsonl") artifacts written"
    sleep 2
    start_orchestrator "$port" ;;
  down30)
    for _ in $(seq 100); do [ "$(wc -l < "$tmp/run/ocptv.jsonl" 2>/dev/null || echo 0)" -ge 10 ] && break; sleep 0.2; done
    kill -TERM "$orch_pid"; wait "$orch_pid" 2>/dev/null || true
    echo "orchestrator stopped for 30 s"
    sleep 30
    start_orchestrator "$port" ;;
esac
set +e
wait "$runner_pid"
rc=$?
set -e
cat "$tmp/runner.log"
expected_rc=0; [ "$case_" = fail ] && expected_rc=1
[ $rc -eq $expected_rc ] || fail "kiln-runner exited $rc, expected $expected_rc"
grep -q "kiln-runner: error" "$tmp/runner.log" && fail "the runner reported an error"

run_id=$(kilnctl -f json run list | jget 'd["runs"][-1]["id"]')
if [ "$case_" = fail ]; then
  reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"][0])' "$tmp/run/report.json")
  wait_for 60 'd["maintenance"] and d["provision_state"] == "active"'
  [ "$(node_field 'd["maintenance_reason"]')" = "$reason" ] || fail "maintenance reason '$(node_field 'd["maintenance_reason"]')' != '$reason'"
  [ "$(node_field '"CUSTOM_KILN_FAILED" in d["traits"]')" = True ] || fail "no FAIL trait"
  echo "node in maintenance: $reason"
else
  wait_for 90 'd["provision_state"] == "available" and d["target_provision_state"] is None and "CUSTOM_KILN_PASSED" in d["traits"]'
  [ "$(node_field 'd["extra"]["kiln"]["verdict"] + " " + d["extra"]["kiln"]["run_id"]')" = "PASS $run_id" ] || fail "extra.kiln"
  node_field 'd["extra"]["kiln"]["report_url"]' | grep -q "/v1/runs/$run_id/report" || fail "report URL"
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "node in maintenance"
fi
# Every artifact arrived, exactly once.
curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$run_id/artifacts" > "$tmp/stored.json"
python3 - "$tmp/stored.json" "$tmp/run/ocptv.jsonl" <<'PY'
import json, sys
stored = [json.loads(l) for l in json.load(open(sys.argv[1]))["artifacts"]]
local = [json.loads(l) for l in open(sys.argv[2])]
seqs = [a["sequenceNumber"] for a in stored]
assert seqs == list(range(len(local))), f"stored {len(seqs)} artifacts, runner wrote {len(local)}"
assert stored == local, "stored artifacts differ from ocptv.jsonl"
print(f"{len(stored)} artifacts stored, none missing or duplicated")
PY
kilnctl run show "$run_id"
kilnctl node list
kilnctl delivery show PO-2026-0042
kilnctl -f json delivery list | jget 'd["deliveries"][0]["nodes"]' | grep -qx 1 || fail "delivery list"
echo "orchestrator/Ironic $case_ passed"
