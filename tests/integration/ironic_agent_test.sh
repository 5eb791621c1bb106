#!/usr/bin/env bash
# Ironic drives kiln: a real Ironic 21.4 (fake-hardware, deploy interface
# `direct`) runs kiln's steps as manual clean steps; kiln-runner agent plays
# the deploy ramdisk on 127.0.0.1 (lookup by MAC, heartbeat, agent API).
#   ironic_agent_test.sh RUNNER SOURCE_DIR CASE
# pass:   kiln_burnin -> manageable, no maintenance; Ironic stored the ramdisk
#         logs (report.json PASS inside); the agent API refuses commands with
#         no or a wrong agent token (401) and nothing runs
# fail:   an impossible tender figure -> clean failed, maintenance, last_error
#         and maintenance_reason naming the component and the limit
# ipa:    IPA's burnin_cpu then burnin_memory in one cleaning, their
#         durations from driver_info agent_burnin_* -> manageable
# args:   kiln_burnin with stages/params args; a bad argument fails the step
#         with a message naming it, Ironic refuses an unknown argument
# abort:  `baremetal node abort` during a long kiln_burnin: the cleaning is
#         aborted, the agent stops the stage's stress-ng within seconds
# kill:   the agent killed -9 mid-step: Ironic fails the cleaning after its
#         clean_callback_timeout
# disk:   burnin_disk (root): badblocks -w + SMART on a loop device
# reboot: the node resets mid-step (the agent killed -9; the next boot's agent,
#         another boot id and a fresh folder, same pre-generated token as
#         virtual media gives): Ironic's clean fails with
#         KILN-STEP-UNEXPECTED-REBOOT naming the step, not the next step run
# restart: the agent restarted on the same boot (same folder, same boot id):
#         the step fails as a harness error
# deploy: Ironic's deploy templates (deploy interface custom-agent): a trait
#         asked for in instance_info runs kiln_burnin as a deploy step -> active;
#         the same with an impossible tender -> deploy failed naming it
# tls:    Ironic with [agent] require_tls; the agent with --tls auto: Ironic
#         stores the agent's certificate (agent_verify_ca) and calls back over
#         https verified against it -> manageable; plain http to the agent gets
#         nothing; an agent without TLS is refused by Ironic, saying why
set -euo pipefail
runner=$1; src=$2; case_=$3
it=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/ironic_agent_rig.sh
. "$it/ironic_agent_rig.sh"
rig_init kiln-agent-it
fru=$src/tests/data/fru-po-2026-0042.txt
mac=52:54:00:4b:00:01
[ "$case_" = kill ] && export AGENT_RIG_CLEAN_TIMEOUT=20
[ "$case_" = tls ] && export AGENT_RIG_REQUIRE_TLS=1
[ "$case_" = deploy ] && export AGENT_RIG_DEPLOY_INTERFACE=custom-agent

case $case_ in
  pass|args|tls|deploy) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory\n  - stage: cpu\n    params: {duration: 2s, methods: [int64], sample_interval: 1s}' ;;
  fail) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory' $'expected:\n  cpu_threads: 4096' ;;
  ipa|disk) agent_rig_configs $'profile: burnin\nstages:\n  - stage: inventory' ;;
  abort|kill|reboot|restart) agent_rig_configs $'profile: burnin\nstages:\n  - stage: cpu\n    params: {duration: 300s, methods: [int64], sample_interval: 5s}' ;;
  *) echo "unknown case $case_" >&2; exit 2 ;;
esac
if [ "$case_" = disk ]; then
  [ "$(id -u)" = 0 ] || { echo "SKIP: loop devices need root"; exit 77; }
  for t in losetup badblocks smartctl; do command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }; done
  truncate -s 16M "$tmp/disk.img"
  printf 'kiln-disk-marker' | dd of="$tmp/disk.img" conv=notrunc status=none
  loop=$(losetup --find --show "$tmp/disk.img") || { echo "SKIP: no loop device"; exit 77; }
  rig_on_exit "losetup -d $loop"
fi

agent_rig_start_ironic
driver_info='{}'
[ "$case_" = ipa ] && driver_info='{"agent_burnin_cpu_timeout": 3, "agent_burnin_cpu_cpu": 1, "agent_burnin_vm_timeout": "2", "agent_burnin_vm_vm": 1, "agent_burnin_vm_vm-bytes": "64M"}'
[ "$case_" = disk ] && driver_info='{"agent_burnin_fio_disk_loops": 1}'
agent_rig_enrol kiln-agent-it "$mac" "$driver_info"
agent_args=(--fru-file "$fru")
[ "$case_" = disk ] && agent_args+=(--disk "$loop" --i-know-this-wipes)
[ "$case_" = tls ] && agent_args+=(--tls auto)
if [ "$case_" != reboot ] && [ "$case_" != restart ]; then
  agent_rig_start_agent agent "${mac^^}" "${agent_args[@]}"
  callback=$(agent_rig_callback agent)
fi
state() { node_field 'd["provision_state"]'; }
report_of() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["verdict"], " ".join(s["name"]+"="+s["verdict"] for s in r["stages"]))' "$1"; }

case $case_ in
pass)
  # Before any cleaning: the agent has no token, so nothing may run.
  code() { curl -s -o "$tmp/api.out" -w '%{http_code}' "$@"; }
  [ "$(code "$callback/")" = 200 ] || fail "GET / of the agent API"
  [ "$(code -X POST -H "$J" -d '{"name":"clean.get_clean_steps","params":{}}' "$callback/v1/commands/?wait=true")" = 401 ] ||
    fail "a command without a token was not refused: $(cat "$tmp/api.out")"
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  wait_for 60 'd["provision_state"] == "clean wait"'
  for _ in $(seq 100); do grep -q "looked up" "$tmp/agent.log" && break; sleep 0.2; done
  before=$(curl -sf "$callback/v1/commands/" | jget 'len(d["commands"])')
  [ "$(code -X POST -H "$J" -d '{"name":"standby.sync","params":{}}' "$callback/v1/commands/?wait=true&agent_token=wrong")" = 401 ] ||
    fail "a wrong token was not refused: $(cat "$tmp/api.out")"
  grep -q '"faultstring"' "$tmp/api.out" || fail "401 body: $(cat "$tmp/api.out")"
  [ "$(code -X POST -H "$J" -d '{"name":"clean.execute_clean_step","params":{"step":{"step":"kiln_burnin"}}}' "$callback/v1/commands/?agent_token=")" = 401 ] ||
    fail "an empty token was not refused"
  agent_rig_wait_settled 120
  [ "$(state)" = manageable ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "node in maintenance"
  # Nothing the refused requests asked for ran: the commands are Ironic's own.
  names=$(curl -sf "$callback/v1/commands/" | jget '" ".join(c["command_name"] for c in d["commands"])')
  echo "agent commands: $names (before the refused ones: $before)"
  grep -q sync <<< "$names" && fail "the refused standby.sync ran"
  [ "$(grep -c "clean step kiln_burnin starts" "$tmp/agent.log")" = 1 ] || fail "kiln_burnin ran more than once"
  verdict=$(report_of "$tmp"/agent/kiln_burnin-1/report.json)
  echo "report: $verdict"
  [ "${verdict%% *}" = PASS ] || fail "report verdict $verdict"
  # Ironic collected the ramdisk logs: kiln's report is in the archive.
  archive=$(ls "$tmp"/deploy-logs/*.tar.gz | head -n 1) || fail "Ironic stored no ramdisk logs"
  tar tzf "$archive" | grep -q 'kiln/kiln_burnin-1/report.json' || fail "archive lacks the report: $(tar tzf "$archive")"
  tar xzOf "$archive" kiln/kiln_burnin-1/report.json | jget 'd["verdict"]' | grep -qx PASS || fail "archived report"
  # After the cleaning the token is gone: the agent's commands are refused again.
  for _ in $(seq 60); do grep -q "session over" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "session over" "$tmp/agent.log" || fail "the agent did not notice the end of the cleaning"
  ;;
fail)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  agent_rig_wait_settled 120
  [ "$(state)" = "clean failed" ] || fail "node is $(state), expected clean failed"
  [ "$(node_field 'd["maintenance"]')" = True ] || fail "not in maintenance"
  [ "$(node_field 'd["fault"]')" = "clean failure" ] || fail "fault $(node_field 'd["fault"]')"
  err=$(node_field 'd["last_error"]'); reason=$(node_field 'd["maintenance_reason"]')
  echo "last_error: $err"
  grep -q "Clean step deploy.kiln_burnin failed" <<< "$err" || fail "last_error: $err"
  grep -q "KILN-INV-COUNT: CPU: [0-9]* logical CPUs found; the tender requires 4096 logical CPUs" <<< "$err" || fail "last_error does not name the verdict, the component and the limit: $err"
  grep -q "kiln kiln_burnin FAIL" <<< "$reason" || fail "maintenance_reason: $reason"
  grep -q "harness" <<< "$err" && fail "a FAIL reads as a harness error: $err"
  ;;
ipa)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"burnin_cpu"},{"interface":"deploy","step":"burnin_memory"}]'
  agent_rig_wait_settled 180
  [ "$(state)" = manageable ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  cpu=$(report_of "$tmp"/agent/burnin_cpu-1/report.json); mem=$(report_of "$tmp"/agent/burnin_memory-1/report.json)
  echo "burnin_cpu: $cpu"; echo "burnin_memory: $mem"
  [[ "$cpu" == "PASS preliminary=PASS cpu=PASS" ]] || fail "burnin_cpu report: $cpu"
  [[ "$mem" == "PASS preliminary=PASS memory=PASS" ]] || fail "burnin_memory report: $mem"
  python3 - "$tmp"/agent/burnin_cpu-1/report.json "$tmp"/agent/burnin_memory-1/report.json <<'PY' || fail "driver_info not honoured"
import json, sys
cpu = [s for s in json.load(open(sys.argv[1]))["stages"] if s["name"] == "cpu"][0]["params"]
mem = [s for s in json.load(open(sys.argv[2]))["stages"] if s["name"] == "memory"][0]["params"]
print("cpu params", cpu["duration"], cpu["workers"], "memory params", mem["duration"], mem["workers"], mem["max_mib"])
assert cpu["duration"] == "3s" and cpu["workers"] == "1", cpu
assert mem["duration"] == "2s" and mem["workers"] == "1" and mem["max_mib"] == "64", mem
PY
  ;;
args)
  # Ironic checks args against the step's argsinfo before anything runs.
  code=$(curl -s -o "$tmp/refused.out" -w '%{http_code}' -X PUT -H "$H" -H "$J" \
    -d '{"target":"clean","clean_steps":[{"interface":"deploy","step":"kiln_burnin","args":{"bogus":1}}]}' \
    "$ironic_url/v1/nodes/$node/states/provision")
  echo "unknown argument: HTTP $code $(head -c 300 "$tmp/refused.out")"
  if [ "$code" = 202 ]; then  # refused later, when the steps are known
    agent_rig_wait_settled 120
    [ "$(state)" = "clean failed" ] || fail "an unknown argument did not fail the cleaning"
    grep -q bogus <<< "$(node_field 'd["last_error"]')" || fail "last_error does not name the argument: $(node_field 'd["last_error"]')"
    ironic PATCH "/v1/nodes/$node" '[{"op":"replace","path":"/maintenance","value":false}]' >/dev/null
    ironic PUT "/v1/nodes/$node/states/provision" '{"target":"manage"}' >/dev/null
    wait_for 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
  fi
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin","args":{"stages":["cpu"],"params":{"cpu":{"duration":"1s","methods":["int64"]}}}}]'
  agent_rig_wait_settled 120
  [ "$(state)" = manageable ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  run=$(ls -d "$tmp"/agent/kiln_burnin-* | tail -n 1)
  verdict=$(report_of "$run/report.json"); echo "report: $verdict"
  [[ "$verdict" == "PASS preliminary=PASS cpu=PASS" ]] || fail "stages arg not honoured: $verdict"
  jget '[s for s in d["stages"] if s["name"]=="cpu"][0]["params"]["duration"]' < "$run/report.json" | grep -qx 1s ||
    fail "params arg not honoured"
  # A wrong parameter fails the step with a harness error naming it.
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"clean","clean_steps":[{"interface":"deploy","step":"kiln_burnin","args":{"params":{"cpu":{"duration":"soon"}}}}]}' >/dev/null
  agent_rig_wait_settled 120
  err=$(node_field 'd["last_error"]'); echo "last_error: $err"
  [ "$(state)" = "clean failed" ] || fail "a bad parameter did not fail the step"
  grep -q "harness ERROR" <<< "$err" && grep -q "duration" <<< "$err" || fail "last_error: $err"
  ;;
abort)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started"
  sleep 5
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"abort"}' >/dev/null || fail "Ironic refused the abort"
  aborted=$(date +%s)
  agent_rig_wait_settled 60
  echo "after abort: $(state), last_error: $(node_field 'd["last_error"]')"
  [ "$(state)" = "clean failed" ] || fail "node is $(state) after the abort"
  for _ in $(seq 60); do [ -s "$tmp/agent/kiln_burnin-1/report.json" ] && break; sleep 0.5; done
  [ -s "$tmp/agent/kiln_burnin-1/report.json" ] || fail "the aborted run wrote no report within 30 s"
  took=$(( $(date +%s) - aborted ))
  verdict=$(report_of "$tmp/agent/kiln_burnin-1/report.json")
  echo "the aborted run ended $took s after the abort: $verdict"
  [[ "$verdict" == "ERROR preliminary=PASS cpu=ERROR" ]] || fail "the aborted run reads $verdict"
  [ "$took" -lt 40 ] || fail "the stage ran on for $took s after the abort"
  grep -q "stopping the running execute_clean_step" "$tmp/agent.log" || fail "the agent did not stop the step"
  kill -0 "$agent_pid" || fail "the agent died"
  ;;
kill)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started"
  # The ramdisk dies whole: the agent and its tools' process groups.
  kill -STOP "$agent_pid"
  for child in $(pgrep -P "$agent_pid" || true); do kill -9 -- "-$child" 2>/dev/null || kill -9 "$child" || true; done
  kill -9 "$agent_pid"; kill -CONT "$agent_pid" 2>/dev/null || true
  killed=$(date +%s)
  agent_rig_wait_settled 120
  err=$(node_field 'd["last_error"]')
  echo "$(( $(date +%s) - killed )) s after the kill: $(state), last_error: $err"
  [ "$(state)" = "clean failed" ] || fail "node is $(state)"
  grep -qi "timeout" <<< "$err" || fail "last_error: $err"
  ;;
reboot|restart)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  wait_for 60 'd["provision_state"] == "clean wait"'
  # The token Ironic hands out once, taken here the way virtual media pre-generates it.
  token=$(curl -sf -H "$H" "$ironic_url/v1/lookup?addresses=$mac" | jget 'd["config"]["agent_token"]') ||
    fail "lookup"
  [ ${#token} -gt 20 ] || fail "no agent token from the first lookup: $token"
  echo boot-aaaa > "$tmp/boot-a"
  # The next boot's agent answers on the same address (the ramdisk's DHCP
  # lease and port 9999): Ironic refuses a heartbeat whose callback_url changed.
  AGENT_RIG_LISTEN=127.0.0.1:$(free_port); export AGENT_RIG_LISTEN
  agent_rig_start_agent agent "${mac^^}" --fru-file "$fru" --agent-token "$token" --boot-id-file "$tmp/boot-a"
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started"
  [ -s "$tmp/agent/step-in-progress.json" ] || fail "no step marker while the step runs"
  kill -STOP "$agent_pid"
  for child in $(pgrep -P "$agent_pid" || true); do kill -9 -- "-$child" 2>/dev/null || kill -9 "$child" || true; done
  kill -9 "$agent_pid"; kill -CONT "$agent_pid" 2>/dev/null || true
  if [ "$case_" = reboot ]; then  # a new boot: another id, the ramdisk's folder gone
    echo boot-bbbb > "$tmp/boot-b"
    bmc_args=(--fru-file "$fru")
    if command -v ipmi_sim > /dev/null; then
      # What the BMC logged as the node went down: an uncorrectable ECC event.
      bmc_port=$(free_port)
      "$src/scripts/bmc-sim.sh" start "$tmp/bmc" "$bmc_port" KILN-AGENT-0001 PO-2026-0042 > /dev/null
      rig_on_exit "$src/scripts/bmc-sim.sh stop $tmp/bmc"
      bmc() { ipmitool -I lanplus -H 127.0.0.1 -p "$bmc_port" -U admin -P kilnpw -C 3 "$@"; }
      # ipmi_sim's SEL clock starts at 0 (Pre-Init): set it (Set SEL Time, LSB first).
      t=$(date +%s)
      bmc raw 0x0a 0x49 $(printf '0x%02x 0x%02x 0x%02x 0x%02x' $((t & 255)) $((t >> 8 & 255)) $((t >> 16 & 255)) $((t >> 24 & 255))) > /dev/null ||
        fail "could not set the BMC's SEL time"
      printf '0x04 0x0c 0x01 0x6f 0x01 0xff 0x02\n' > "$tmp/sel-ue.txt"
      bmc sel add "$tmp/sel-ue.txt" > /dev/null || fail "could not add the SEL entry"
      # The FRU (the same delivery's asset tag) and the SEL both from this BMC.
      bmc_args=(--bmc "127.0.0.1:$bmc_port" --bmc-user admin --bmc-password kilnpw)
    else
      echo "note: ipmi_sim not installed: the reboot is judged without a SEL"
    fi
    agent_rig_start_agent agent2 "${mac^^}" --agent-token "$token" --boot-id-file "$tmp/boot-b" "${bmc_args[@]}"
    log=$tmp/agent2.log
  else
    mv "$tmp/agent.log" "$tmp/agent-first.log"
    agent_rig_start_agent agent "${mac^^}" --fru-file "$fru" --agent-token "$token" --boot-id-file "$tmp/boot-a"
    log=$tmp/agent.log
  fi
  agent_rig_wait_settled 120
  err=$(node_field 'd["last_error"]')
  echo "after the $case_: $(state), maintenance $(node_field 'd["maintenance"]'), last_error: $err"
  [ "$(state)" = "clean failed" ] || fail "node is $(state): the interrupted step must not count as done"
  [ "$(node_field 'd["maintenance"]')" = True ] || fail "node not in maintenance"
  grep -q "Clean step deploy.kiln_burnin failed" <<< "$err" || fail "last_error names no step: $err"
  if [ "$case_" = reboot ]; then
    grep -q "KILN-STEP-UNEXPECTED-REBOOT: the node reset during Ironic's clean step deploy.kiln_burnin" <<< "$err" ||
      fail "last_error: $err"
    grep -q "last heartbeat of the earlier boot 20" <<< "$err" || fail "last_error has no last heartbeat: $err"
    grep -q "was running on an earlier boot: FAILED" "$log" || fail "agent2 did not say what it did"
    if [ "${bmc_args[0]}" = --bmc ]; then
      grep -q "SEL: .*Uncorrectable ECC" <<< "$err" || fail "last_error does not name the SEL event: $err"
      ! grep -q kilnpw <<< "$err$(cat "$log")" || fail "the BMC password is in last_error or the log"
    fi
  else
    grep -q "harness ERROR, not a hardware failure: kiln's agent restarted during clean step deploy.kiln_burnin on the same boot" <<< "$err" ||
      fail "last_error: $err"
  fi
  [ ! -e "$tmp/agent/step-in-progress.json" ] || [ "$case_" = reboot ] || fail "the step marker was left behind"
  ;;
deploy)
  # What Nova does for a flavor with trait:CUSTOM_KILN_BURNIN=required: the node has the
  # trait, the instance asks for it, and the deploy template of that name adds its steps.
  ironic POST /v1/deploy_templates '{"name":"CUSTOM_KILN_BURNIN","steps":[{"interface":"deploy","step":"kiln_burnin","args":{},"priority":80}]}' \
    > /dev/null || fail "Ironic refused the deploy template"
  ironic PUT "/v1/nodes/$node/traits/CUSTOM_KILN_BURNIN" > /dev/null || fail "Ironic refused the trait"
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"provide"}' > /dev/null
  wait_for 60 'd["provision_state"] == "available" and d["target_provision_state"] is None'
  deploy_node() {
    ironic PATCH "/v1/nodes/$node" '[{"op":"add","path":"/instance_info/traits","value":["CUSTOM_KILN_BURNIN"]}]' \
      > /dev/null || fail "instance_info traits"
    ironic PUT "/v1/nodes/$node/states/provision" '{"target":"active"}' > /dev/null || fail "Ironic refused the deployment"
    wait_for 180 '(d["provision_state"] == "active" and d["target_provision_state"] is None) or d["provision_state"] == "deploy failed"'
  }
  deploy_node
  [ "$(state)" = active ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  grep -q "deploy step kiln_burnin starts" "$tmp/agent.log" || fail "kiln_burnin did not run as a deploy step"
  grep -q "clean step" "$tmp/agent.log" && fail "a clean step ran during the deployment"
  verdict=$(report_of "$tmp"/agent/kiln_burnin-1/report.json); echo "deploy step report: $verdict"
  [[ "$verdict" == "PASS preliminary=PASS inventory=PASS cpu=PASS" ]] || fail "deploy step report: $verdict"
  # Ironic ran it as the template's step, between its own deploy steps.
  grep -q "Executing {'interface': 'deploy', 'step': 'kiln_burnin'.*priority': 80" "$tmp/ironic/log/ironic.log" ||
    grep -q "deploy step.*kiln_burnin" "$tmp/ironic/log/ironic.log" || fail "Ironic's log does not show its deploy step kiln_burnin"
  # Undeploy, then the same template with a tender the node cannot meet.
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"deleted"}' > /dev/null || fail "Ironic refused the undeploy"
  wait_for 120 'd["provision_state"] == "available" and d["target_provision_state"] is None'
  printf 'delivery: PO-2026-0042\nprofile: burnin\nexpected:\n  cpu_threads: 4096\n' > "$tmp/configs/deliveries/po.yaml"
  deploy_node
  err=$(node_field 'd["last_error"]'); echo "after the failing deploy step: $(state), last_error: $err"
  [ "$(state)" = "deploy failed" ] || fail "node is $(state), expected deploy failed"
  grep -q "deploy.kiln_burnin" <<< "$err" || fail "last_error names no deploy step: $err"
  grep -q "KILN-INV-COUNT: CPU: [0-9]* logical CPUs found; the tender requires 4096 logical CPUs" <<< "$err" ||
    fail "last_error does not name the component and the limit: $err"
  ;;
tls)
  [[ "$callback" == https://127.0.0.1:* ]] || fail "the agent with --tls auto advertises $callback"
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  for _ in $(seq 120); do grep -q "clean step kiln_burnin starts" "$tmp/agent.log" && break; sleep 0.5; done
  grep -q "clean step kiln_burnin starts" "$tmp/agent.log" || fail "the step never started over https"
  # Ironic took the agent's certificate from the heartbeat and calls back over https.
  dii=$(ironic GET "/v1/nodes/$node" | jget 'd["driver_internal_info"]["agent_url"] + " " + d["driver_internal_info"]["agent_verify_ca"]') ||
    fail "Ironic holds no agent_url/agent_verify_ca"
  echo "Ironic's driver_internal_info: agent_url ${dii% *}, agent_verify_ca ${dii#* }"
  [ "${dii% *}" = "$callback" ] || fail "Ironic's agent_url ${dii% *} is not the https callback $callback"
  ca=${dii#* }
  [[ "$ca" == "$tmp/ironic-certs/$node.crt" ]] && [ -s "$ca" ] || fail "agent_verify_ca $ca is not the certificate file Ironic stored"
  # The stored certificate is the one the agent serves: a token-less command is a verified 401.
  code=$(curl -s --cacert "$ca" -o "$tmp/api.out" -w '%{http_code}' -X POST -H "$J"     -d '{"name":"standby.sync","params":{}}' "$callback/v1/commands/?wait=true")
  [ "$code" = 401 ] || fail "over https with Ironic's copy of the certificate: HTTP $code $(cat "$tmp/api.out")"
  plain=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://${callback#https://}/" || true)
  [ "$plain" = 000 ] || fail "plain http to the TLS agent answered HTTP $plain"
  agent_rig_wait_settled 120
  [ "$(state)" = manageable ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  verdict=$(report_of "$tmp"/agent/kiln_burnin-1/report.json); echo "report: $verdict"
  [ "${verdict%% *}" = PASS ] || fail "report verdict $verdict"
  # An agent without TLS: Ironic refuses its heartbeats and the agent says why.
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
  agent_rig_start_agent agent-plain "${mac^^}" --fru-file "$fru"
  agent_rig_clean "$node" '[{"interface":"deploy","step":"kiln_burnin"}]'
  for _ in $(seq 120); do grep -q "TLS is required by configuration" "$tmp/agent-plain.log" && break; sleep 0.5; done
  grep "heartbeat to .* failed" "$tmp/agent-plain.log" | head -n 1
  grep -q "HTTP 400: TLS is required by configuration" "$tmp/agent-plain.log" ||
    fail "the plain-http agent does not say Ironic refused it for TLS"
  grep -q "clean step kiln_burnin starts" "$tmp/agent-plain.log" && fail "a step ran through a refused plain-http agent"
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"abort"}' >/dev/null || fail "Ironic refused the abort"
  agent_rig_wait_settled 60
  ;;
disk)
  agent_rig_clean "$node" '[{"interface":"deploy","step":"burnin_disk"}]'
  agent_rig_wait_settled 300
  [ "$(state)" = manageable ] || fail "node is $(state): $(node_field 'd["last_error"]')"
  verdict=$(report_of "$tmp"/agent/burnin_disk-1/report.json); echo "burnin_disk: $verdict"
  [[ "$verdict" == "PASS preliminary=PASS disk=PASS" ]] || fail "burnin_disk report: $verdict"
  # SMART was asked (a loop device has none: the stage says so and judges badblocks alone).
  grep -q '/dev/loop[0-9]* has no SMART (smartctl' "$tmp/agent/burnin_disk-1/ocptv.jsonl" ||
    fail "the disk stage did not ask smartctl: $(grep -i smart "$tmp/agent/burnin_disk-1/ocptv.jsonl" | head -3)"
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "node in maintenance"
  # badblocks -w wrote the device: the marker put there before is gone.
  ! head -c 64 "$tmp/disk.img" | grep -q kiln-disk-marker || fail "the loop device was not written"
  jget '[s for s in d["stages"] if s["name"]=="disk"][0]["params"]["mode"]' < "$tmp/agent/burnin_disk-1/report.json" |
    grep -qx write || fail "burnin_disk did not write"
  ;;
esac
echo "Ironic agent $case_ passed"
