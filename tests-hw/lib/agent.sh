# shellcheck shell=bash disable=SC2154,SC2034  # $tmp, $it, $disks, $node, $ironic_url, $H come from hw_test.sh
# The agent cases (sourced by hw_test.sh): kiln's image booted as Ironic's deploy
# ramdisk. A real Ironic 21.4 on the host (fake-hardware, deploy interface `direct`,
# [service_catalog] endpoint_override on a fixed port, ramdisk logs kept in a local
# folder) starts a manual cleaning with kiln_burnin; the guest boots with the kernel
# command line Ironic's PXE boot interface would write (rendered by Ironic's own
# code: build_agent_options + build_extra_pxe_options, then pxelinux's `ipappend 2`
# BOOTIF=01-...), looks the node up by its NIC's MAC, and Ironic calls the agent back
# through QEMU's port forward to the guest's port 9999 (ipa-advertise-host=,
# ipa-advertise-port= in the node's kernel_append_params, as an operator behind NAT sets
# them).
#   agent_pass:    kiln_burnin (a step argument shortens the cpu stage) -> manageable, no
#                  maintenance; the report in the log archive Ironic stored is PASS with the
#                  in-band FRU, both QEMU disks and the fio figures
#   agent_baddisk: the NVMe disk with a bad sector -> clean failed, maintenance, last_error
#                  and maintenance_reason naming the disk's serial (KILN-DISK-BAD-BLOCKS)
AGENT_MAC=52:54:00:4b:48:01
J='Content-Type: application/json'

ironic_api() {  # METHOD PATH [JSON]
  curl -sf -X "$1" -H "$H" -H "$J" ${3:+-d "$3"} "$ironic_url$2"
}

# Ironic with the agent's deploy interface; it tells the ramdisk its URL as the
# guest reaches it (10.0.2.2, QEMU's user-net gateway, is the host's 127.0.0.1).
agent_start_ironic() {
  local port rc=0
  port=$(free_port)
  mkdir -p "$tmp/deploy-logs"
  cat > "$tmp/ironic-agent.conf" <<CONF
[DEFAULT]
enabled_deploy_interfaces = fake,ramdisk,direct
[api]
ramdisk_heartbeat_timeout = 30
[service_catalog]
endpoint_override = http://10.0.2.2:$port
[conductor]
clean_callback_timeout = 300
check_provision_state_interval = 5
[agent]
deploy_logs_collect = always
deploy_logs_storage_backend = local
deploy_logs_local_path = $tmp/deploy-logs
# The image serves the agent API over https by default (IPA's automatic TLS):
# Ironic refuses plain http and keeps the agent's certificate here.
require_tls = true
certificates_path = $tmp/ironic-certs
CONF
  ironic_url=$(KILN_IRONIC_PORT=$port KILN_IRONIC_EXTRA_CONF=$tmp/ironic-agent.conf \
    "$it/ironic_fixture.sh" start "$tmp/ironic") || rc=$?
  [ $rc = 77 ] && skip "Ironic (ironic-common) is not installed"
  [ $rc = 0 ] || fail "Ironic did not start"
}

# The kernel command line Ironic's pxe boot interface hands the deploy ramdisk of
# node $node: pxe_config.template's append line with Ironic's options for it, computed
# by Ironic's own functions under the configuration this Ironic runs with, and the
# BOOTIF pxelinux appends (ipappend 2).
agent_kernel_cmdline() {
  curl -sf -H "$H" "$ironic_url/v1/nodes/$node" > "$tmp/node.json" || fail "GET node $node"
  /usr/bin/python3 - "$tmp/ironic/ironic.conf" "$tmp/ironic/extra.conf" "$tmp/node.json" \
    "req-$(cat /proc/sys/kernel/random/uuid)" "$AGENT_MAC" <<'PY'
import json, sys, types
from oslo_log import log
from ironic.conf import CONF
log.register_options(CONF)  # [DEFAULT] debug, as Ironic's services register it
CONF(["--config-file", sys.argv[1], "--config-file", sys.argv[2]], project="ironic")
from ironic.common import pxe_utils
from ironic.drivers.modules import deploy_utils
n = json.load(open(sys.argv[3]))
node = types.SimpleNamespace(uuid=n["uuid"], driver_info=n["driver_info"], instance_info=n["instance_info"])
task = types.SimpleNamespace(node=node, context=types.SimpleNamespace(global_id=sys.argv[4]))
extra = pxe_utils.build_extra_pxe_options(task, deploy_utils.build_agent_options(node))
print("selinux=0 troubleshoot=0 text %s BOOTIF=01-%s" % (extra["pxe_append_params"], sys.argv[5].replace(":", "-")))
PY
}

agent_case() {  # CASE
  local fwd cmdline guest agent_url end steps archive
  agent_start_ironic
  fwd=$(free_port)
  node=$(ironic_api POST /v1/nodes "{\"driver\":\"fake-hardware\",\"name\":\"kiln-hw-agent\",\"deploy_interface\":\"direct\",
    \"driver_info\":{\"kernel_append_params\":\"%default% ipa-advertise-host=127.0.0.1 ipa-advertise-port=$fwd\"}}" |
    jget 'd["uuid"]') || fail "enrol the node"
  ironic_api POST /v1/ports "{\"node_uuid\":\"$node\",\"address\":\"$AGENT_MAC\"}" > /dev/null || fail "port $AGENT_MAC"
  ironic_api PUT "/v1/nodes/$node/states/provision" '{"target":"manage"}' > /dev/null
  wait_node 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
  steps='[{"interface":"deploy","step":"kiln_burnin"}]'
  [ "$1" = agent_pass ] && steps='[{"interface":"deploy","step":"kiln_burnin","args":{"params":{"cpu":{"duration":"3s"}}}}]'
  ironic_api PUT "/v1/nodes/$node/states/provision" "{\"target\":\"clean\",\"clean_steps\":$steps}" > /dev/null ||
    fail "Ironic refused the cleaning"
  wait_node 60 'd["provision_state"] == "clean wait"'
  cmdline=$(agent_kernel_cmdline) || fail "Ironic's pxe options could not be computed"
  echo "kernel command line (Ironic's pxe boot interface): $cmdline"
  grep -q "ipa-api-url=http://10.0.2.2:" <<< "$cmdline" || fail "no ipa-api-url in $cmdline"

  GUEST_NIC_OPTS=",mac=$AGENT_MAC"
  GUEST_NETDEV_OPTS=",hostfwd=tcp:127.0.0.1:$fwd-:9999"
  # shellcheck disable=SC2086  # $disks holds QEMU arguments
  boot_guest "$tmp/serial.log" 480 "$tmp/initrd" "$cmdline" $disks &
  guest=$!
  # The agent's callback URL, as its heartbeat gave it to Ironic (the scheme is the agent's choice).
  end=$(($(date +%s) + 240))
  while [ "$(date +%s)" -lt "$end" ] && [ -z "${agent_url:-}" ]; do
    kill -0 "$guest" 2> /dev/null || fail "the guest ended before the agent heartbeated"
    agent_url=$(node_field 'd["driver_internal_info"].get("agent_url") or ""' 2> /dev/null || true)
    sleep 1
  done
  echo "first heartbeat $(($(date +%s) - started)) s since the test started; agent_url $agent_url"
  [[ "$agent_url" =~ ^https://127\.0\.0\.1:$fwd$ ]] ||
    fail "the agent advertised '$agent_url', not https on the forwarded 127.0.0.1:$fwd (ipa-advertise-host/-port, TLS)"
  verify_ca=$(node_field 'd["driver_internal_info"].get("agent_verify_ca") or ""' 2> /dev/null || true)
  [ "$verify_ca" = "$tmp/ironic-certs/$node.crt" ] && [ -s "$verify_ca" ] ||
    fail "Ironic holds no agent certificate (agent_verify_ca '$verify_ca')"
  openssl x509 -in "$verify_ca" -noout -ext subjectAltName | grep -q "IP Address:127.0.0.1" ||
    fail "the agent's certificate does not name 127.0.0.1: $(openssl x509 -in "$verify_ca" -noout -text | head -20)"
  wait_node 400 '(d["provision_state"] == "manageable" and d["target_provision_state"] is None) or d["provision_state"] == "clean failed"'
  echo "cleaning settled $(($(date +%s) - started)) s since the test started: $(node_field 'd["provision_state"]')"
  kill "$(cat "$tmp/serial.log.pid")" 2> /dev/null || true  # Ironic's fake power interface leaves it on
  wait "$guest" 2> /dev/null || true
  grep -q "BMC /dev/ipmi0" "$tmp/serial.log" || fail "the in-band BMC (/dev/ipmi0) was not found"
  grep -q "Ironic agent mode: kiln-runner agent .*--tls auto.*--advertise https://127.0.0.1:$fwd" "$tmp/serial.log" ||
    fail "the console does not show the agent advertising the forwarded port"

  archive=$(ls "$tmp"/deploy-logs/*cleaning*.tar.gz 2> /dev/null | tail -n 1) || true
  [ -n "$archive" ] || fail "Ironic stored no ramdisk logs in $tmp/deploy-logs: $(ls "$tmp/deploy-logs")"
  tar xzf "$archive" -C "$tmp" kiln/kiln_burnin-1/report.json kiln/agent.log || fail "the archive lacks the report: $(tar tzf "$archive")"
  echo "Ironic stored $(basename "$archive") ($(tar tzf "$archive" | wc -l) files)"
  case $1 in
    agent_pass) agent_check_pass ;;
    agent_baddisk) agent_check_baddisk ;;
  esac
}

agent_report() { jget "$1" < "$tmp/kiln/kiln_burnin-1/report.json"; }

agent_check_pass() {
  [ "$(node_field 'd["provision_state"]')" = manageable ] || fail "node is $(node_field 'd["provision_state"]'): $(node_field 'd["last_error"]')"
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "the node is in maintenance: $(node_field 'd["maintenance_reason"]')"
  [ "$(node_field 'd["last_error"]')" = None ] || fail "last_error: $(node_field 'd["last_error"]')"
  echo "report: $(agent_report 'd["verdict"] + " " + " ".join(s["name"] + "=" + s["verdict"] for s in d["stages"])')"
  [ "$(agent_report 'd["verdict"]')" = PASS ] || fail "the report's verdict is $(agent_report 'd["verdict"]')"
  [ "$(agent_report 'd["node"]["fru"]["product_serial"] + " " + d["delivery"]["tag"]')" = "KILN-HW-0001 PO-2026-0042" ] ||
    fail "report identity: $(agent_report 'd["node"]["fru"], d["delivery"]')"
  [ "$(agent_report '[s for s in d["stages"] if s["name"] == "cpu"][0]["params"]["duration"]')" = 3s ] ||
    fail "the step's args (cpu duration 3s) did not reach the run"
  # The guest's own hardware: both QEMU disks burnt in, the fio figures from them.
  for serial in KILN-SATA-0001 KILN-NVME-0001; do
    grep -q "$serial" "$tmp/kiln/kiln_burnin-1/report.json" || fail "the report does not name disk $serial"
  done
  agent_report '"\n".join("  %s: %s %s = %s %s" % (s["name"], f["component"], f["name"], f["value"], f["unit"]) for s in d["stages"] for f in s["key_figures"])'
  [ "$(agent_report 'len([f for s in d["stages"] if s["name"] == "disk-perf" for f in s["key_figures"]])')" -gt 0 ] ||
    fail "the report has no disk-perf figures"
  # What the agent answered Ironic's command status with, from its log in the archive.
  grep "clean step kiln_burnin ended" "$tmp/kiln/agent.log" || fail "the archived agent.log has no step end"
  grep -q "clean step kiln_burnin ended SUCCEEDED: PASS" "$tmp/kiln/agent.log" || fail "the step did not end SUCCEEDED: PASS"
  echo "Ironic node $node: manageable, not in maintenance; the stored report is PASS for $(agent_report 'd["node"]["fru"]["product_serial"]')"
}

agent_check_baddisk() {
  local err reason
  [ "$(node_field 'd["provision_state"]')" = "clean failed" ] || fail "node is $(node_field 'd["provision_state"]'), expected clean failed"
  [ "$(node_field 'd["maintenance"]')" = True ] || fail "the node is not in maintenance"
  [ "$(node_field 'd["fault"]')" = "clean failure" ] || fail "fault $(node_field 'd["fault"]')"
  err=$(node_field 'd["last_error"]'); reason=$(node_field 'd["maintenance_reason"]')
  echo "last_error: $err"
  grep -q "Clean step deploy.kiln_burnin failed on node $node" <<< "$err" || fail "last_error names no step: $err"
  grep -q "KILN-DISK-BAD-BLOCKS: .*KILN-NVME-BAD1" <<< "$err" || fail "last_error does not name the bad disk's serial: $err"
  grep -q "KILN-NVME-BAD1" <<< "$reason" || fail "maintenance_reason does not name the bad disk: $reason"
  grep -q "harness" <<< "$err" && fail "a hardware FAIL reads as a harness error: $err"
  [ "$(agent_report 'd["verdict"]')" = FAIL ] || fail "the stored report's verdict is $(agent_report 'd["verdict"]')"
  [ "$(agent_report '[s for s in d["stages"] if s["name"] == "disk"][0]["verdict"]')" = FAIL ] || fail "the disk stage did not FAIL"
  echo "Ironic node $node: clean failed, maintenance; the stored report is FAIL in the disk stage"
}
