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
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$it/orchestrator_rig.sh"
rig_init kiln-timeout-it
runner_pid=""
rig_on_exit '[ -n "$runner_pid" ] && kill -KILL "$runner_pid" 2>/dev/null'
rig_start_ironic
rig_enrol_node kiln-timeout

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'delivery: PO-2026-0042\nprofile: burnin\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: burnin\nstages:\n  - stage: memtest\n    params: {size_mib: 64, passes: 0, duration: 300s, reserve_mib: 0}\n' \
  > "$tmp/configs/profiles/burnin.yaml"
rig_write_config "runner_timeout: 25s" "error_retries: 0"
start_orchestrator
kilnctl burnin start --node "$node"
rig_wait_deployed burning-in
rig_kernel_params
"$bin/kiln-runner" run --config "$tmp/configs" --profile burnin --fru-file "$src/tests/data/fru-po-2026-0042.txt" \
  --out "$tmp/run" --orchestrator "$kurl" --token "$ktoken" --node "$knode" \
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
