#!/usr/bin/env bash
# bench/ironic_steps/run.sh BIN_DIR [SOURCE_DIR]: what Ironic's step path costs
# around a burn-in, against kiln-orchestrator's deploy path, one run of each with
# the same profile (inventory + 5 s of cpu) on the same node identity:
#   clean:  a real Ironic 21.4 (direct, fake-hardware) runs kiln_burnin as a manual
#           clean step, kiln-runner agent plays the ramdisk on 127.0.0.1
#           start = from the agent's lookup (its first heartbeat follows at once)
#                   to the run's first testStepStart
#           end   = from the run's testRunEnd to the node `manageable`
#   deploy: kiln-orchestrator deploys the node through Ironic (deploy_interface
#           fake), kiln-runner run plays the deployed ramdisk
#           start = from the runner's launch to its first testStepStart
#           end   = from the run's testRunEnd to the node `available`
# Prints both and the ratios clean/deploy. Not a test: nothing is asserted.
set -euo pipefail
bin=$(cd "$1" && pwd); src=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
runner=$bin/kiln-runner
# shellcheck source=tests/integration/ironic_agent_rig.sh
. "$src/tests/integration/ironic_agent_rig.sh"
rig_init kiln-bench-steps
fru=$src/tests/data/fru-po-2026-0042.txt
now() { date +%s.%N; }
profile=$'profile: burnin\nstages:\n  - stage: inventory\n  - stage: cpu\n    params: {duration: 5s, methods: [int64], sample_interval: 1s}'
agent_rig_configs "$profile"
# ocptv.jsonl -> "FIRST_STEP_START RUN_END" in seconds since the epoch
ocptv_times() {
  python3 - "$1" <<'PY'
import datetime, json, sys
def t(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
start = end = None
for line in open(sys.argv[1]):
    a = json.loads(line)
    step = a.get("testStepArtifact", {})
    if start is None and "testStepStart" in step: start = t(a["timestamp"])
    if "testRunEnd" in a.get("testRunArtifact", {}): end = t(a["timestamp"])
print(start, end)
PY
}
# poll_until EXPR: the time at which node_field EXPR first read True (0.1 s polls)
poll_until() {
  local end=$(( $(date +%s) + 180 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(node_field "$1" 2>/dev/null || true)" = True ] && { now; return 0; }
    sleep 0.1
  done
  fail "node never satisfied: $1"
}
agent_time() {  # PATTERN: the agent log's timestamp of the first line matching
  local line
  for _ in $(seq 600); do
    line=$(grep -m1 "$1" "$tmp/agent.log" || true)
    [ -n "$line" ] && break
    sleep 0.1
  done
  [ -n "$line" ] || fail "the agent never logged '$1'"
  python3 -c 'import datetime,sys; print(datetime.datetime.fromisoformat(sys.argv[1].rstrip("Z")+"+00:00").timestamp())' "${line%% *}"
}

# --- clean: Ironic's step path
agent_rig_start_ironic
agent_rig_enrol kiln-bench-clean 52:54:00:4b:00:21
agent_rig_start_agent agent 52:54:00:4B:00:21 --fru-file "$fru"
agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
looked_up=$(agent_time "looked up")
manageable=$(poll_until 'd["provision_state"] == "manageable" and d["target_provision_state"] is None')
read -r c_first c_end < <(ocptv_times "$tmp/agent/kiln_burnin-1/ocptv.jsonl")
clean_start=$(python3 -c "print(f'{$c_first - $looked_up:.2f}')")
clean_end=$(python3 -c "print(f'{$manageable - $c_end:.2f}')")
kill "$agent_pid" 2>/dev/null || true

# --- deploy: kiln-orchestrator's deploy path, same Ironic
rig_enrol_node kiln-bench-deploy
rig_write_config
start_orchestrator
kilnctl burnin start --node "$node" > /dev/null
rig_wait_deployed burning-in
rig_kernel_params > /dev/null
launched=$(now)
"$runner" run --config "$tmp/configs" --profile burnin --fru-file "$fru" --out "$tmp/run" \
  --orchestrator "$kurl" --token "$ktoken" --node "$knode" > "$tmp/runner.log" 2>&1 || fail "kiln-runner run: $(tail -5 "$tmp/runner.log")"
available=$(poll_until 'd["provision_state"] == "available" and d["target_provision_state"] is None and "CUSTOM_KILN_PASSED" in d["traits"]')
read -r d_first d_end < <(ocptv_times "$tmp/run/ocptv.jsonl")
deploy_start=$(python3 -c "print(f'{$d_first - $launched:.2f}')")
deploy_end=$(python3 -c "print(f'{$available - $d_end:.2f}')")

printf '%-8s %22s %22s\n' path "start (s)" "end (s)"
printf '%-8s %22s %22s\n' clean "lookup->step $clean_start" "run end->manageable $clean_end"
printf '%-8s %22s %22s\n' deploy "launch->step $deploy_start" "run end->available $deploy_end"
python3 -c "
cs, ce, ds, de = $clean_start, $clean_end, $deploy_start, $deploy_end
r = lambda a, b: f'{a / b:.2f}x' if b > 0 else 'n/a'
print(f'ratio clean/deploy: start {r(cs, ds)}, end {r(ce, de)}, both {r(cs + ce, ds + de)}')"
