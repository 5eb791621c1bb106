#!/usr/bin/env bash
# Dead runners against a real Ironic (fake-hardware), the real orchestrator and
# the real kiln-runner (runner_timeout 25 s, error_retries 0).
#   orchestrator_timeout_test.sh BIN_DIR SOURCE_DIR kill9|restart
# kill9:   the runner is killed -9 mid-memtest; after the timeout the periodic
#          sweep ends its run ERROR and the node goes to maintenance with
#          "no heartbeat from node X since T (timeout 25s) ..."
# restart: the runner is killed -9, 15 s later the orchestrator too; it comes
#          back after 30 s: its own downtime is not counted against the runner
#          (the run does not end at the restart) and the run still ends after
#          the timeout: a restart forgets nothing
set -euo pipefail
bin=$1; src=$2; case_=$3
it=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/kiln-timeout-it.XXXXXX)
orch_pid=""; runner_pid=""
cleanup() {
  [ -n "$runner_pid" ] && kill -KILL "$runner_pid" 2>/dev/null || true
  if [ -n "$orch_pid" ] && kill -TERM "$orch_pid" 2>/dev/null; then wait "$orch_pid" 2>/dev/null || true; fi
  "$it/ironic_fixture.sh" stop "$tmp/ironic" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
H='X-OpenStack-Ironic-API-Version: 1.82'
OP=kiln-it-operator-token-0123456789
fail() { echo "FAIL: $*" >&2; tail -n 30 "$tmp/orch.log" >&2 2>/dev/null || true; exit 1; }
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

set +e
ironic_url=$("$it/ironic_fixture.sh" start "$tmp/ironic")
rc=$?
set -e
[ $rc -eq 77 ] && { echo "SKIP: Ironic (ironic-common) is not installed"; exit 77; }
[ $rc -eq 0 ] || fail "Ironic did not start"
node=$(curl -sf -H "$H" -H 'Content-Type: application/json' -d '{"driver":"fake-hardware","name":"kiln-timeout"}' \
  "$ironic_url/v1/nodes" | jget 'd["uuid"]')
curl -sf -X PUT -H "$H" -H 'Content-Type: application/json' -d '{"target":"manage"}' \
  "$ironic_url/v1/nodes/$node/states/provision" >/dev/null
node_field() { curl -sf -H "$H" "$ironic_url/v1/nodes/$node" | jget "$1"; }
wait_for() {  # wait_for SECONDS PYTHON-EXPR-ON-NODE
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(node_field "$2" 2>/dev/null || true)" = True ] && return 0
    sleep 0.5
  done
  curl -s -H "$H" "$ironic_url/v1/nodes/$node" | python3 -m json.tool | grep -E 'provision_state|maintenance|extra|traits|last_error' >&2 || true
  fail "node never satisfied: $2"
}
wait_for 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: memtest\n    params: {size_mib: 64, passes: 0, duration: 300s, reserve_mib: 0}\n' \
  > "$tmp/configs/profiles/burnin.yaml"
cat > "$tmp/orchestrator.yaml" <<YAML
listen: 127.0.0.1
port: 0
store: sqlite://$tmp/kiln.db
operator_token: $OP
config_dir: $tmp/configs
runner_timeout: 25s
ironic:
  url: $ironic_url
  deploy_interface: fake
  kernel_url: http://127.0.0.1:9/kiln/vmlinuz
  ramdisk_url: http://127.0.0.1:9/kiln/initramfs.zst
  poll_interval_ms: 200
  max_backoff_ms: 2000
  error_retries: 0
YAML
start_orchestrator() {  # [PORT]
  rm -f "$tmp/port"
  "$bin/kiln-orchestrator" --config "$tmp/orchestrator.yaml" --port-file "$tmp/port" ${1:+--port "$1"} \
    >> "$tmp/orch.log" 2>&1 &
  orch_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "kiln-orchestrator did not start"
  port=$(cat "$tmp/port")
}
start_orchestrator
url=http://127.0.0.1:$port
kilnctl() { "$bin/kilnctl" --url "$url" --token "$OP" "$@"; }
kilnctl burnin start --node "$node"
wait_for 60 'd["provision_state"] == "active" and d["target_provision_state"] is None and d["extra"].get("kiln", {}).get("state") == "burning-in"'
params=$(node_field 'd["instance_info"]["kernel_append_params"]')
arg() { tr ' ' '\n' <<< "$params" | sed -n "s/^kiln.$1=//p"; }
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$(arg url)" --token "$(arg token)" --node "$(arg node)" \
  > "$tmp/runner.log" 2>&1 &
runner_pid=$!
run_id=$(kilnctl -f json run list | jget 'd["runs"][0]["id"]')
for _ in $(seq 150); do
  [ "$(kilnctl -f json run show "$run_id" | jget 'd["artifacts"]')" -ge 5 ] && break; sleep 0.2
done
[ "$(kilnctl -f json run show "$run_id" | jget 'd["stage"]')" = memtest ] || fail "the runner never reached memtest"
sleep 2
kill -KILL "$runner_pid"; wait "$runner_pid" 2>/dev/null || true; runner_pid=""
killed=$(date +%s)
echo "runner killed -9 in memtest ($(kilnctl -f json run show "$run_id" | jget 'd["artifacts"]') artifacts stored)"
if [ "$case_" = restart ]; then
  # 15 s of the runner's silence while the orchestrator is up, then the
  # orchestrator is away 30 s: those 30 s are not the runner's fault, so the
  # run must not end at the restart. The store's last write before the outage
  # (any run's contact or artifacts) marks when the orchestrator went down;
  # with no other run writing here that is this runner's own last contact, so
  # it gets a whole timeout after the restart, and then it ends: nothing is
  # forgotten. (The unit test RunnerTimeoutStoreTest.TheOrchestratorsOwn-
  # DowntimeIsNotCounted covers the accounting with other runs writing.)
  sleep 15
  kill -KILL "$orch_pid"; wait "$orch_pid" 2>/dev/null || true; orch_pid=""
  echo "orchestrator killed -9 too; back in 30 s"
  sleep 30
  start_orchestrator "$port"
  up=$(date +%s)
  sleep 4
  [ "$(kilnctl -f json run show "$run_id" | jget 'd["verdict"]')" = "" ] ||
    fail "the run ended at the restart: the orchestrator's downtime was counted against the runner"
  for _ in $(seq 100); do
    [ "$(kilnctl -f json run show "$run_id" | jget 'd["verdict"]')" = ERROR ] && break; sleep 0.2
  done
  [ "$(kilnctl -f json run show "$run_id" | jget 'd["verdict"]')" = ERROR ] || fail "the run never ended after the restart"
  ended_after=$(( $(date +%s) - up ))
  echo "ended ERROR $ended_after s after the restart"
  [ "$ended_after" -le 40 ] || fail "the run ended $ended_after s after the restart (timeout 25 s)"
else
  # Alive until the timeout has passed.
  sleep 15
  [ "$(kilnctl -f json run show "$run_id" | jget 'd["verdict"]')" = "" ] || fail "the run ended before its timeout"
fi
wait_for 60 'd["maintenance"] and d["provision_state"] == "active"'
reason=$(node_field 'd["maintenance_reason"]')
echo "maintenance after $(( $(date +%s) - killed )) s: $reason"
grep -q "no heartbeat from node $node since .* (timeout 25s[^)]*): the runner or the node died" <<< "$reason" ||
  fail "maintenance reason: $reason"
[ "$(node_field '"CUSTOM_KILN_FAILED" in d["traits"]')" = True ] || fail "no FAIL trait"
[ "$(node_field 'd["extra"]["kiln"]["verdict"]')" = ERROR ] || fail "extra.kiln.verdict"
kilnctl run show "$run_id"
[ "$(kilnctl -f json run show "$run_id" | jget 'd["directive"]')" = abort ] || fail "directive"
echo "orchestrator runner timeout $case_ passed"
