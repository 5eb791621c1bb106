#!/usr/bin/env bash
# kiln-orchestrator with `ironic.method: clean`: the burn-in is a manual cleaning
# of a real Ironic 21.4 (fake-hardware, deploy interface `direct`) with kiln's
# kiln_burnin step; kiln-runner agent plays the deploy ramdisk on 127.0.0.1 and
# streams the run to the orchestrator with the kiln_url/kiln_token the
# orchestrator put in the step's args.
#   orchestrator_clean_test.sh BIN_DIR SOURCE_DIR pass|fail|basic|badpass|keystone|keystone_appcred|keystone_badpass|tls|abort|died|reboot
# pass:    kilnctl burnin start -> Ironic cleans with kiln_burnin -> manageable ->
#          the orchestrator provides it: available, CUSTOM_KILN_PASSED, extra.kiln
#          PASS with the run id; the run's artifacts were streamed to the
#          orchestrator; the token is in no log
# fail:    an impossible tender figure -> clean failed, maintenance, Ironic's
#          maintenance_reason naming the component (kiln's words),
#          CUSTOM_KILN_FAILED, extra.kiln FAIL
# basic:   pass against an Ironic with auth_strategy = http_basic (htpasswd,
#          bcrypt): the orchestrator authenticates with ironic.auth; the password
#          is in no log
# badpass: the same Ironic, a wrong password: the run's ironic_error and the log
#          name Ironic's 401, /readyz says so, the node stays manageable, the
#          password is in no log
# keystone: pass against an Ironic with auth_strategy = keystone and a real
#          Keystone (keystone_rig.sh): ironic.auth type keystone with kiln's
#          password; Ironic without a token answers 401, with one 200
# keystone_appcred: the same with kiln's application credential and no ironic.url
#          (Ironic's endpoint from the token's catalog)
# keystone_badpass: a wrong Keystone password: /readyz and the run's
#          ironic_error name Keystone's 401, the node stays manageable
# tls:     basic against an https Ironic ([api] enable_ssl_api, a throw-away CA):
#          the orchestrator trusts it through ironic.ca_file, the agent through
#          --ironic-ca; with another CA in ca_file /readyz names the failed verification
# abort:   kilnctl run abort during a long cpu stage: the orchestrator aborts the
#          cleaning (clean wait -> abort), the agent stops the stage, the node ends
#          clean failed in maintenance, the run ends (driver state done)
# died:    the agent killed -9 mid-step: Ironic fails the cleaning after its
#          clean_callback_timeout, the orchestrator ends the run ERROR quoting
#          Ironic's last_error (no report came), CUSTOM_KILN_FAILED
# reboot:  the node resets in the cpu stage (the agent killed -9; the next boot's
#          agent: another boot id, a fresh folder, the pre-generated agent token):
#          it runs the step Ironic still waits for again, the orchestrator answers
#          where the run stands, on_unexpected_reboot: fail FAILs the cpu stage
#          (KILN-RUN-UNEXPECTED-REBOOT), inventory is not run again; Ironic's
#          clean failed names the reboot; the run holds the event; CUSTOM_KILN_FAILED
set -euo pipefail
bin=$1; src=$2; case_=$3
runner=$bin/kiln-runner
it=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/ironic_agent_rig.sh
. "$it/ironic_agent_rig.sh"
rig_init kiln-clean-it
fru=$src/tests/data/fru-po-2026-0042.txt
mac=52:54:00:4b:00:11
password=kiln-ironic-pw-7f3e9a
case $case_ in
  pass|basic|badpass|tls|keystone*) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory' ;;
  fail) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory' $'expected:\n  cpu_threads: 4096' ;;
  reboot) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory\n  - stage: cpu\n    params: {duration: 300s, methods: [int64], sample_interval: 2s}' ;;
  abort|died) agent_rig_configs $'profile: burnin\nstages:\n  - stage: cpu\n    params: {duration: 300s, methods: [int64], sample_interval: 5s}' ;;
  *) echo "unknown case $case_" >&2; exit 2 ;;
esac
case $case_ in basic|badpass|tls) export AGENT_RIG_BASIC_AUTH=kiln:$password ;; esac
[ "$case_" = tls ] && export AGENT_RIG_TLS=1
if [[ $case_ == keystone* ]]; then
  # shellcheck source=tests/integration/keystone_rig.sh
  . "$it/keystone_rig.sh"
  keystone_rig_start
  keystone_rig_setup "$password"
  export AGENT_RIG_KEYSTONE=1
fi
[ "$case_" = died ] && export AGENT_RIG_CLEAN_TIMEOUT=20

agent_rig_start_ironic
if [ -n "${AGENT_RIG_KEYSTONE:-}" ]; then
  keystone_rig_endpoint "$ironic_url"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$ironic_url/v1/nodes")
  [ "$code" = 401 ] || fail "Ironic with auth_strategy = keystone answered $code without a token"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" -H "X-Auth-Token: $keystone_kiln_token" "$ironic_url/v1/nodes")
  [ "$code" = 200 ] || fail "Ironic answered $code to kiln's Keystone token"
  echo "Ironic: 401 without a token, 200 with kiln's Keystone token"
fi
agent_rig_enrol kiln-clean-it "$mac"
ironic_yaml="method: clean"
if [ -n "${AGENT_RIG_BASIC_AUTH:-}" ]; then
  if [ "$case_" = badpass ]; then echo "not-the-password" > "$tmp/ironic-password"; else echo "$password" > "$tmp/ironic-password"; fi
  ironic_yaml+=$'\n'"auth: {type: http_basic, username: kiln, password_file: $tmp/ironic-password}"
fi
case $case_ in
  keystone|keystone_badpass)
    if [ "$case_" = keystone_badpass ]; then echo "not-the-password" > "$tmp/ironic-password"; else echo "$password" > "$tmp/ironic-password"; fi
    ironic_yaml+=$'\n'"auth: {type: keystone, auth_url: $keystone_url, username: kiln, password_file: $tmp/ironic-password, project_name: service, region: RegionOne}" ;;
  keystone_appcred)
    echo "$keystone_appcred_secret" > "$tmp/appcred-secret"
    ironic_yaml+=$'\n'"auth: {type: keystone, auth_url: $keystone_url, application_credential_id: $keystone_appcred_id, application_credential_secret_file: $tmp/appcred-secret}" ;;
esac
agent_args=(--fru-file "$fru")
if [ "$case_" = tls ]; then
  # Another CA first: the orchestrator must refuse Ironic's certificate, and say so.
  rig_write_config "" "$ironic_yaml"$'\n'"ca_file: $tmp/wrong-ca.pem"
  start_orchestrator
  code=$(curl -s -o "$tmp/ready.json" -w '%{http_code}' "$url/readyz")
  echo "readyz with another CA: $code $(cat "$tmp/ready.json")"
  [ "$code" = 503 ] && grep -qi "certificate\|verify\|tls" "$tmp/ready.json" || fail "an Ironic certificate from another CA was not refused"
  kill -TERM "$orch_pid"; wait "$orch_pid" 2>/dev/null || true; orch_pid=""
  ironic_yaml+=$'\n'"ca_file: $tmp/ca.pem"
  agent_args+=(--ironic-ca "$tmp/ca.pem")
fi
rig_write_config "" "$ironic_yaml"
# Without ironic.url the orchestrator takes Ironic's endpoint from Keystone's catalog.
[ "$case_" = keystone_appcred ] && sed -i '/^  url: /d' "$tmp/orchestrator.yaml"
start_orchestrator
if [ "$case_" = reboot ]; then
  # Both boots' agents answer on one address (Ironic refuses a changed callback_url).
  AGENT_RIG_LISTEN=127.0.0.1:$(free_port); export AGENT_RIG_LISTEN
else
  agent_rig_start_agent agent "${mac^^}" "${agent_args[@]}"
fi
kilnctl burnin start --node "$node"
run_id=$(kilnctl -f json run list | jget 'd["runs"][-1]["id"]')

run_ironic_error() {  # the run's ironic_error once the driver set one (up to 30 s)
  local err=""
  for _ in $(seq 60); do
    err=$(kilnctl -f json run show "$run_id" | jget 'd["ironic_error"]')
    [ -n "$err" ] && break; sleep 0.5
  done
  echo "$err"
}

no_secret_in_logs() {
  local f
  for f in "$tmp/orch.log" "$tmp/agent.log" "$tmp/ironic/log/ironic.log"; do
    [ -f "$f" ] || continue
    ! grep -qF -- "$password" "$f" || fail "the Ironic password is in $f"
    [ -z "${keystone_appcred_secret:-}" ] || ! grep -qF -- "$keystone_appcred_secret" "$f" || fail "the application credential secret is in $f"
  done
  if [ -n "${token:-}" ]; then
    for f in "$tmp/orch.log" "$tmp/agent.log"; do
      ! grep -qF -- "$token" "$f" || fail "the run token is in $f"
    done
  fi
}

case $case_ in
pass|basic|tls|keystone|keystone_appcred)
  wait_for 60 'd["provision_state"] in ("clean wait", "cleaning", "manageable", "available") and d["extra"].get("kiln", {}).get("run_id") == "'"$run_id"'"'
  # What Ironic was asked for: kiln_burnin with the orchestrator's URL and a token.
  for _ in $(seq 100); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.3; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the agent never ran kiln_burnin"
  # Ironic shows the running step with its args: the orchestrator's URL and the run's token.
  step=$(node_field 'json.dumps(d["clean_step"] or d["driver_internal_info"].get("clean_steps"))')
  echo "Ironic's clean step: $(sed 's/"kiln_token": "[^"]*"/"kiln_token": "..."/' <<< "$step")"
  token=$(jget '(d[0] if isinstance(d, list) else d)["args"]["kiln_token"]' <<< "$step")
  [ "$(jget '(d[0] if isinstance(d, list) else d)["args"]["kiln_url"]' <<< "$step")" = "$url" ] || fail "kiln_url: $step"
  [ ${#token} -eq 64 ] || fail "kiln_token: $step"
  wait_for 120 'd["provision_state"] == "available" and d["target_provision_state"] is None and "CUSTOM_KILN_PASSED" in d["traits"]'
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "node in maintenance"
  [ "$(node_field 'd["extra"]["kiln"]["verdict"] + " " + d["extra"]["kiln"]["run_id"]')" = "PASS $run_id" ] || fail "extra.kiln: $(node_field 'd["extra"]')"
  node_field 'd["extra"]["kiln"]["report_url"]' | grep -q "/v1/runs/$run_id/report" || fail "report URL"
  show=$(kilnctl -f json run show "$run_id")
  echo "run: $(jget '[d["verdict"], d["ironic_state"], d["artifacts"]]' <<< "$show")"
  [ "$(jget 'd["verdict"]' <<< "$show")" = PASS ] || fail "the orchestrator's verdict: $show"
  [ "$(jget 'd["ironic_state"]' <<< "$show")" = "done" ] || fail "driver state: $show"
  # The run streamed to the orchestrator: what it stored is the agent's OCPTV output.
  curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$run_id/artifacts" > "$tmp/stored.json"
  python3 - "$tmp/stored.json" "$tmp"/agent/kiln_burnin-1/ocptv.jsonl <<'PY' || fail "streamed artifacts"
import json, sys
stored = [json.loads(l) for l in json.load(open(sys.argv[1]))["artifacts"]]
local = [json.loads(l) for l in open(sys.argv[2])]
assert stored and stored == local, f"stored {len(stored)} artifacts, the agent wrote {len(local)}"
print(f"{len(stored)} artifacts streamed by the agent and stored")
PY
  no_secret_in_logs
  ;;
fail)
  wait_for 120 'd["provision_state"] == "clean failed" and "CUSTOM_KILN_FAILED" in d["traits"]'
  [ "$(node_field 'd["maintenance"]')" = True ] || fail "not in maintenance"
  reason=$(node_field 'd["maintenance_reason"]'); echo "maintenance_reason: $reason"
  grep -q "Clean step deploy.kiln_burnin failed" <<< "$reason" || fail "not Ironic's reason: $reason"
  grep -q "KILN-INV-COUNT: CPU: [0-9]* logical CPUs found; the tender requires 4096 logical CPUs" <<< "$reason" || fail "the reason does not name the component: $reason"
  [ "$(node_field 'd["extra"]["kiln"]["verdict"]')" = FAIL ] || fail "extra.kiln: $(node_field 'd["extra"]')"
  node_field 'd["extra"]["kiln"]["ironic_last_error"]' | grep -q "KILN-INV-COUNT" || fail "extra.kiln.ironic_last_error"
  for _ in $(seq 40); do [ "$(kilnctl -f json run show "$run_id" | jget 'd["ironic_state"]')" = "done" ] && break; sleep 0.5; done
  show=$(kilnctl -f json run show "$run_id")
  [ "$(jget 'd["verdict"] + " " + d["ironic_state"]' <<< "$show")" = "FAIL done" ] || fail "run: $show"
  [ "$(grep -c "clean step kiln_burnin starts" "$tmp/agent.log")" = 1 ] || fail "kiln_burnin ran more than once (a FAIL is not retried)"
  ;;
keystone_badpass)
  err=$(run_ironic_error)
  echo "ironic_error: $err"
  grep -q "Keystone refused POST $keystone_url/auth/tokens (HTTP 401" <<< "$err" || fail "the run's Ironic error does not name Keystone's 401: '$err'"
  code=$(curl -s -o "$tmp/ready.json" -w '%{http_code}' "$url/readyz")
  echo "readyz: $code $(cat "$tmp/ready.json")"
  [ "$code" = 503 ] && grep -q "Keystone refused.*401" "$tmp/ready.json" || fail "/readyz does not name Keystone's 401"
  [ "$(node_field 'd["provision_state"]')" = manageable ] || fail "the node moved"
  grep -q "clean step" "$tmp/agent.log" && fail "a step ran"
  no_secret_in_logs
  grep -qF "not-the-password" "$tmp/orch.log" && fail "the wrong password is in the log"
  ;;
badpass)
  err=$(run_ironic_error)
  echo "ironic_error: $err"
  grep -q "HTTP 401" <<< "$err" || fail "the run's Ironic error does not name the 401: '$err'"
  grep -q "Incorrect username or password" <<< "$err" || fail "Ironic's own words are missing: '$err'"
  grep -q "401" "$tmp/orch.log" || fail "the log does not name the 401"
  grep "Ironic does not answer as configured" "$tmp/orch.log" | grep -q 401 || fail "no startup error naming the 401"
  code=$(curl -s -o "$tmp/ready.json" -w '%{http_code}' "$url/readyz")
  echo "readyz: $code $(cat "$tmp/ready.json")"
  [ "$code" = 503 ] && grep -q 401 "$tmp/ready.json" || fail "/readyz does not say Ironic refused the credentials"
  [ "$(node_field 'd["provision_state"]')" = manageable ] || fail "the node moved"
  grep -q "clean step" "$tmp/agent.log" && fail "a step ran"
  no_secret_in_logs
  grep -qF "not-the-password" "$tmp/orch.log" && fail "the wrong password is in the log"
  ;;
abort)
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started"
  sleep 3
  kilnctl run abort "$run_id"
  aborted=$(date +%s)
  wait_for 90 'd["provision_state"] == "clean failed"'
  [ "$(node_field 'd["maintenance"]')" = True ] || fail "not in maintenance after the abort"
  for _ in $(seq 60); do [ "$(kilnctl -f json run show "$run_id" | jget 'd["ironic_state"]')" = "done" ] && break; sleep 0.5; done
  show=$(kilnctl -f json run show "$run_id")
  echo "after the abort ($(( $(date +%s) - aborted )) s): node clean failed, $(node_field 'd["maintenance_reason"]'); run $(jget '[d["state"], d["verdict"], d["ironic_state"]]' <<< "$show")"
  [ "$(jget 'd["ironic_state"]' <<< "$show")" = "done" ] || fail "the run did not end: $show"
  for _ in $(seq 60); do [ -s "$tmp/agent/kiln_burnin-1/report.json" ] && break; sleep 0.5; done
  [ "$(jget 'd["verdict"]' < "$tmp/agent/kiln_burnin-1/report.json")" = ERROR ] || fail "the aborted run's report"
  [ $(( $(date +%s) - aborted )) -lt 100 ] || fail "the stage ran on after the abort"
  kill -0 "$agent_pid" || fail "the agent died"
  ;;
reboot)
  wait_for 60 'd["provision_state"] == "clean wait"'
  # The token Ironic hands out once, taken here the way virtual media pre-generates it.
  agent_token=$(curl -sf -H "$H" "$ironic_url/v1/lookup?addresses=$mac" | jget 'd["config"]["agent_token"]') ||
    fail "lookup"
  echo boot-aaaa > "$tmp/boot-a"; echo boot-bbbb > "$tmp/boot-b"
  agent_rig_start_agent agent "${mac^^}" "${agent_args[@]}" --agent-token "$agent_token" --boot-id-file "$tmp/boot-a"
  for _ in $(seq 120); do grep -q '"name":"cpu"' "$tmp/agent/kiln_burnin-1/ocptv.jsonl" 2>/dev/null && break; sleep 0.5; done
  grep -q '"name":"cpu"' "$tmp/agent/kiln_burnin-1/ocptv.jsonl" || fail "the cpu stage never started"
  sleep 5  # progress of the cpu stage reaches the orchestrator
  kill -STOP "$agent_pid"
  for child in $(pgrep -P "$agent_pid" || true); do kill -9 -- "-$child" 2>/dev/null || kill -9 "$child" || true; done
  kill -9 "$agent_pid"; kill -CONT "$agent_pid" 2>/dev/null || true
  agent_rig_start_agent agent2 "${mac^^}" "${agent_args[@]}" --agent-token "$agent_token" --boot-id-file "$tmp/boot-b"
  wait_for 150 'd["provision_state"] == "clean failed" and "CUSTOM_KILN_FAILED" in d["traits"]'
  err=$(node_field 'd["last_error"]')
  echo "last_error: $err"
  grep -q "Clean step deploy.kiln_burnin failed" <<< "$err" && grep -q "KILN-RUN-UNEXPECTED-REBOOT: .*the cpu stage" <<< "$err" ||
    fail "Ironic's last_error does not name the reboot in the cpu stage: $err"
  grep -q "running it again, the orchestrator says where its run stands" "$tmp/agent2.log" || fail "agent2 did not rerun the step"
  show=$(kilnctl -f json run show "$run_id")
  echo "run: $(jget '[d["state"], d["verdict"]]' <<< "$show"); failure: $(jget 'd["failures"][0]' <<< "$show")"
  [ "$(jget 'd["verdict"]' <<< "$show")" = FAIL ] || fail "run verdict: $show"
  jget 'd["failures"][0]' <<< "$show" | grep -q "KILN-RUN-UNEXPECTED-REBOOT" || fail "run failure: $show"
  run_json=$(curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$run_id") ||
    fail "GET /v1/runs/$run_id"
  [ "$(jget '[e["kind"] for e in d["events"]].count("unexpected_reboot")' <<< "$run_json")" = 1 ] ||
    fail "the run's events: $(jget 'd["events"]' <<< "$run_json")"
  report=$(ls "$tmp"/agent2/kiln_burnin-*/report.json | head -1)
  [ "$(jget '[s["name"] + "=" + s["verdict"] for s in d["stages"]]' < "$report")" = "['preliminary=PASS', 'inventory=PASS', 'cpu=FAIL']" ] ||
    fail "the second boot's report: $(jget '[s["name"] + "=" + s["verdict"] for s in d["stages"]]' < "$report")"
  ;;
died)
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started"
  token=$(node_field '(d["clean_step"] or {}).get("args", {}).get("kiln_token", "")')
  [ ${#token} -eq 64 ] || fail "no kiln_token in Ironic's clean_step"
  kill -STOP "$agent_pid"
  for child in $(pgrep -P "$agent_pid" || true); do kill -9 -- "-$child" 2>/dev/null || kill -9 "$child" || true; done
  kill -9 "$agent_pid"; kill -CONT "$agent_pid" 2>/dev/null || true
  wait_for 150 'd["provision_state"] == "clean failed" and "CUSTOM_KILN_FAILED" in d["traits"]'
  echo "last_error: $(node_field 'd["last_error"]' | sed "s/'kiln_token': '[^']*'/'kiln_token': '...'/")"
  show=$(kilnctl -f json run show "$run_id")
  failure=$(jget 'd["failures"][0]' <<< "$show"); echo "run failure: $failure"
  [ "$(jget 'd["verdict"]' <<< "$show")" = ERROR ] || fail "run verdict: $show"
  grep -q "Ironic failed the cleaning of node $node before kiln's runner reported" <<< "$failure" || fail "failure: $failure"
  grep -qi "timeout\|timed out" <<< "$failure" || fail "Ironic's last_error is not quoted: $failure"
  [ "$(node_field 'd["extra"]["kiln"]["verdict"]')" = ERROR ] || fail "extra.kiln: $(node_field 'd["extra"]')"
  # Ironic's last_error quotes the failed step with its args; kiln's copies do not carry the token.
  ! grep -qF -- "$token" <<< "$show $(node_field 'json.dumps(d["extra"])')" || fail "the run token is in kiln's copy of last_error"
  no_secret_in_logs
  ;;
esac
echo "orchestrator clean method $case_ passed"
