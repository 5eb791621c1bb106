#!/usr/bin/env bash
# Boots kiln's image in QEMU (TCG) against a simulated server and checks what
# comes out. tests-hw/README.md describes the rig and the cases.
#   hw_test.sh BIN_DIR SOURCE_DIR IMAGE_DIR good|baddisk|nofru|noburnin|crash|decommission|iso_bios|iso_uefi|
#              bootorder_disk|bootorder_net|bootorder_bios|reboot_sel|reboot_sel_retry|reboot_panic|
#              agent_pass|agent_baddisk
# good:     FRU read in-band -> delivery PO-2026-0042 -> profile hw -> PASS reported
#           -> the Ironic node is available with CUSTOM_KILN_PASSED
# baddisk:  the NVMe disk has a blkdebug bad sector -> the disk stage FAILs naming
#           its serial -> the Ironic node is in maintenance with that reason
# nofru:    the FRU has no Product Asset Tag -> preliminary FAILs, diagnosis says so
# noburnin: the orchestrator gives no go-ahead (no burn-in holds the token) ->
#           the disks, one holding ext4 with known data, are byte for byte unchanged
# crash:    kiln-runner is killed by SIGSEGV in the middle of the disk stage ->
#           the console shows the crash and the runner's last lines, the node
#           waits (no silent hang, no power off); the orchestrator keeps the artifacts
# decommission: `kilnctl decommission start` -> the image in kiln.mode=decommission wipes
#           an NVMe and a SATA disk full of a marker with the method each emulated device
#           supports and resets the BMC in-band -> no marker left (host grep/cmp), the signed
#           certificate names method and fallback per disk, the BMC read over LAN matches
#           the policy, the Ironic node is retired and manageable
# bootorder_disk, bootorder_net, bootorder_bios: the delivery requires network boot first;
#           OVMF with the NVMe disk first -> preliminary FAILs naming the order and the
#           remedy; OVMF with the NIC first -> the check passes; SeaBIOS -> UNKNOWN, never
#           a PASS (lib/boot_order.sh)
# reboot_sel, reboot_sel_retry, reboot_panic: the guest reset by QEMU (with an
#           uncorrectable ECC event in the SEL) or panicked (ramoops) in the middle of
#           the memory stage boots again and its runner continues the run: fail ->
#           FAIL naming the reboot, the stage and the evidence; retry_stage -> memory
#           again, PASS; every artifact stored once (lib/reboot.sh)
# agent_pass, agent_baddisk: the image as Ironic's deploy ramdisk: a real Ironic (deploy
#           interface direct) cleans the node with kiln_burnin, the kernel command line is
#           the one Ironic's pxe boot interface writes (ipa-api-url=, BOOTIF=) -> manageable
#           with a PASS report in the ramdisk logs Ironic stored; with the bad NVMe sector ->
#           clean failed, maintenance, last_error naming its serial (lib/agent.sh)
# iso_bios, iso_uefi: kiln.iso boots from a virtual CD (SeaBIOS / OVMF) through
#           GRUB into kiln's init, which finds the in-band BMC, the disks and the
#           network and starts kiln-runner (the test stops there)
set -euo pipefail
bin=$(cd "$1" && pwd); SRC=$(cd "$2" && pwd); IMAGE=$3; case_=$4
hw=$(cd "$(dirname "$0")" && pwd)
it=$SRC/tests/integration
# shellcheck source=tests-hw/lib/guest.sh
. "$hw/lib/guest.sh"
# shellcheck source=tests-hw/lib/iso_boot.sh
. "$hw/lib/iso_boot.sh"
# shellcheck source=tests-hw/lib/decommission.sh
. "$hw/lib/decommission.sh"
# shellcheck source=tests-hw/lib/boot_order.sh
. "$hw/lib/boot_order.sh"
# shellcheck source=tests-hw/lib/reboot.sh
. "$hw/lib/reboot.sh"
# shellcheck source=tests-hw/lib/agent.sh
. "$hw/lib/agent.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "the hw tests run as root (ipmi_sim, QEMU disks)"
for tool in qemu-system-x86_64 ipmi_sim ipmitool cpio mke2fs python3 curl; do
  command -v "$tool" > /dev/null || skip "'$tool' is missing (make deps)"
done
[ -f "$IMAGE/kiln.initramfs" ] && [ -f "$IMAGE/kiln.kernel" ] ||
  skip "no image in $IMAGE (make image builds it)"
started=$(date +%s)
case $case_ in iso_*) iso_boot "$case_" ;; esac
[ -x "$bin/kiln-orchestrator" ] && [ -x "$bin/kilnctl" ] || skip "kiln-orchestrator/kilnctl not built in $bin"

tmp=$(mktemp -d /tmp/kiln-hw.XXXXXX)
orch_pid=""
cleanup() {
  # a guest still running when a check failed (the reboot cases run it in the background)
  [ -s "$tmp/serial.log.pid" ] && kill "$(cat "$tmp/serial.log.pid")" 2> /dev/null
  [ -n "$orch_pid" ] && kill "$orch_pid" 2> /dev/null && wait "$orch_pid" 2> /dev/null
  stop_bmc "$tmp/bmc"
  "$it/ironic_fixture.sh" stop "$tmp/ironic" > /dev/null 2>&1 || true
  [ -n "${KEEP_HW_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($case_): $*" >&2
  echo "--- guest serial console (tail)" >&2; tail -n 60 "$tmp/serial.log" >&2 2> /dev/null || true
  echo "--- orchestrator log (tail)" >&2; tail -n 20 "$tmp/orch.log" >&2 2> /dev/null || true
  if [ -f "$tmp/ironic/log/ironic.log" ]; then
    echo "--- Ironic's errors and warnings (tail)" >&2
    grep -E ' (ERROR|WARNING) ironic' "$tmp/ironic/log/ironic.log" | grep -v "Lookup is not allowed" | tail -n 15 >&2 || true
  fi
  exit 1
}
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
H='X-OpenStack-Ironic-API-Version: 1.82'
node_field() { curl -sf -H "$H" "$ironic_url/v1/nodes/$node" | jget "$1"; }
wait_node() {  # SECONDS PYTHON-EXPR
  local end=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(node_field "$2" 2> /dev/null || true)" = True ] && return 0
    sleep 0.5
  done
  curl -s -H "$H" "$ironic_url/v1/nodes/$node" | python3 -m json.tool | grep -E 'provision_state|maintenance|traits' >&2 || true
  fail "the Ironic node never satisfied: $2"
}
started=$(date +%s)

# The simulated server: BMC (in-band + LAN), disks, the hw profile in the image.
serial=KILN-HW-0001; asset=PO-2026-0042
[ "$case_" = nofru ] && asset=""
start_bmc "$tmp/bmc" "$serial" "$asset" || fail "ipmi_sim did not start"
truncate -s 32M "$tmp/sata.raw" "$tmp/nvme.raw"
disks="$(ahci_disk "$tmp/sata.raw" KILN-SATA-0001) $(nvme_disk "$tmp/nvme.raw" KILN-NVME-0001)"
if [ "$case_" = decommission ]; then
  decom_prepare_bmc; decom_fill_disks "$tmp/sata.raw" "$tmp/nvme.raw" "$tmp/scsi.raw"
  disks="$disks $(scsi_disk "$tmp/scsi.raw" KILN-SCSI-0001)"  # the third transport kiln tells apart
fi
if [ "$case_" = baddisk ] || [ "$case_" = agent_baddisk ]; then
  # every read of 512-byte sector 8192 (4 KiB block 1024) of the NVMe disk fails with EIO
  printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "8192"\nonce = "off"\nimmediately = "on"\n' \
    > "$tmp/bad-sector.conf"
  disks="$(ahci_disk "$tmp/sata.raw" KILN-SATA-0001) $(nvme_disk "$tmp/nvme.raw" KILN-NVME-BAD1 "$tmp/bad-sector.conf")"
fi
if [ "$case_" = noburnin ]; then
  mkdir -p "$tmp/data"
  head -c 4194304 /dev/urandom > "$tmp/data/payload.bin"
  echo "kiln hw test: this file must survive" > "$tmp/data/README"
  mke2fs -q -F -t ext4 -L KILNDATA -d "$tmp/data" "$tmp/sata.raw" 32M
  before=$(sha256sum "$tmp/sata.raw" "$tmp/nvme.raw" | cut -d' ' -f1 | tr '\n' ' ')
fi
case $case_ in bootorder_*) bootorder_firmware "$case_"; disks=$BOOTORDER_DISKS ;; esac
mkdir -p "$tmp/overlay/etc"
cp -r "$hw/configs" "$tmp/overlay/etc/kiln"
case $case_ in reboot_*) reboot_prepare "$case_" ;; esac
case $case_ in bootorder_*)
  echo "require_network_boot_first: true" >> "$tmp/overlay/etc/kiln/deliveries/po-2026-0042.yaml" ;;
esac
if [ "$case_" = crash ]; then
  # found first on the init's PATH: the real runner, then SIGSEGV once the disk stage runs
  mkdir -p "$tmp/overlay/usr/sbin"
  cat > "$tmp/overlay/usr/sbin/kiln-runner" <<'SH'
#!/bin/sh
/usr/bin/kiln-runner "$@" &
pid=$!
while kill -0 $pid 2>/dev/null; do
  grep -q '"testStepStart":{"name":"disk"}' /run/kiln/out/ocptv.jsonl 2>/dev/null && kill -SEGV $pid && break
  sleep 0.2
done
wait $pid
SH
  chmod 0755 "$tmp/overlay/usr/sbin/kiln-runner"
fi
initramfs_with_overlay "$IMAGE/kiln.initramfs" "$tmp/overlay" "$tmp/initrd"
if [[ $case_ = agent_* ]]; then  # no orchestrator: Ironic drives the image through its agent API
  agent_case "$case_"
  echo "hw $case_ passed in $(($(date +%s) - started)) s"
  exit 0
fi

# Orchestrator (and Ironic for good/baddisk) on 127.0.0.1; the guest reaches
# it as 10.0.2.2, QEMU's user-net gateway.
ironic_yaml=""
if [ "$case_" = good ] || [ "$case_" = baddisk ] || [ "$case_" = decommission ]; then
  set +e; ironic_url=$("$it/ironic_fixture.sh" start "$tmp/ironic"); rc=$?; set -e
  [ $rc = 77 ] && skip "Ironic (ironic-common) is not installed"
  [ $rc = 0 ] || fail "Ironic did not start"
  ironic_yaml="ironic:
  url: $ironic_url
  deploy_interface: fake
  kernel_url: http://127.0.0.1:9/kiln.kernel
  ramdisk_url: http://127.0.0.1:9/kiln.initramfs
  poll_interval_ms: 200
  max_backoff_ms: 2000"
fi
OP=kiln-hw-operator-token-0123456789
port=$(free_port)
cat > "$tmp/orchestrator.yaml" <<YAML
listen: 127.0.0.1
port: $port
public_url: http://10.0.2.2:$port
store: sqlite://$tmp/kiln.db
operator_token: $OP
config_dir: $tmp/overlay/etc/kiln
certificate_key: $tmp/certificate-key.pem
decommission:
  certificate_wait_s: 120
$ironic_yaml
YAML
"$bin/kiln-orchestrator" --config "$tmp/orchestrator.yaml" > "$tmp/orch.log" 2>&1 &
orch_pid=$!
url=http://127.0.0.1:$port
for _ in $(seq 100); do curl -s -o /dev/null "$url/v1/nodes" && break; sleep 0.1; done
kilnctl() { "$bin/kilnctl" --url "$url" --token "$OP" "$@"; }

# The kernel command line, as Ironic or an operator would hand it to the node.
case $case_ in
  good | baddisk)
    node=$(curl -sf -H "$H" -H 'Content-Type: application/json' -d '{"driver":"fake-hardware","name":"kiln-hw"}' \
      "$ironic_url/v1/nodes" | jget 'd["uuid"]')
    curl -sf -X PUT -H "$H" -H 'Content-Type: application/json' -d '{"target":"manage"}' \
      "$ironic_url/v1/nodes/$node/states/provision" > /dev/null
    wait_node 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
    kilnctl burnin start --node "$node" > /dev/null
    wait_node 60 'd["provision_state"] == "active" and d["extra"].get("kiln", {}).get("state") == "burning-in"'
    cmdline=$(node_field 'd["instance_info"]["kernel_append_params"]')
    [ "$case_" = baddisk ] && cmdline="$cmdline kiln.end=poweroff"  # a FAIL waits by default
    ;;
  decommission)  # as an operator retires a node: Ironic deploys kiln's image in decommission mode
    node=$(curl -sf -H "$H" -H 'Content-Type: application/json' -d '{"driver":"fake-hardware","name":"kiln-hw-decom"}' \
      "$ironic_url/v1/nodes" | jget 'd["uuid"]')
    curl -sf -X PUT -H "$H" -H 'Content-Type: application/json' -d '{"target":"manage"}' \
      "$ironic_url/v1/nodes/$node/states/provision" > /dev/null
    wait_node 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
    kilnctl decommission start --node "$node" --operator "Hana Hw" > /dev/null
    wait_node 60 'd["provision_state"] == "active" and d["extra"].get("kiln", {}).get("state") == "decommissioning"'
    cmdline=$(node_field 'd["instance_info"]["kernel_append_params"]')
    grep -qw kiln.mode=decommission <<< "$cmdline" || fail "no kiln.mode=decommission in $cmdline"
    cmdline="$cmdline kiln.end=poweroff"  # a FAIL would wait for a technician
    ;;
  nofru | crash)
    node=$(cat /proc/sys/kernel/random/uuid)
    cmdline="$(kilnctl -f json burnin start --node "$node" | jget 'd["runs"][0]["kernel_params"]') kiln.profile=hw kiln.end=poweroff"
    ;;
  reboot_*)
    node=$(cat /proc/sys/kernel/random/uuid)
    started_json=$(kilnctl -f json burnin start --node "$node")
    REBOOT_RUN=$(jget 'd["runs"][0]["run_id"]' <<< "$started_json")
    cmdline="$(jget 'd["runs"][0]["kernel_params"]' <<< "$started_json") kiln.profile=hw-reboot kiln.end=poweroff"
    ;;
  bootorder_*)
    node=$(cat /proc/sys/kernel/random/uuid)
    cmdline="$(kilnctl -f json burnin start --node "$node" | jget 'd["runs"][0]["kernel_params"]') kiln.profile=hw-boot kiln.end=poweroff"
    # shellcheck disable=SC2086  # $disks holds QEMU arguments
    [ "$case_" = bootorder_bios ] || bootorder_register $disks
    ;;
  noburnin)  # a token no burn-in was started with (a stale or copied command line)
    node=$(cat /proc/sys/kernel/random/uuid)
    cmdline="kiln.url=http://10.0.2.2:$port kiln.node=$node kiln.token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') kiln.profile=hw-signatures kiln.end=poweroff"
    ;;
esac
echo "kernel command line: $(sed 's/kiln.token=[^ ]*/kiln.token=.../' <<< "$cmdline")"

[ "$case_" = crash ] && cmdline="${cmdline% kiln.end=poweroff}"  # default: wait after a crash
if [ "$case_" = crash ]; then  # after the crash the node must stay up, waiting
  # shellcheck disable=SC2086
  boot_guest "$tmp/serial.log" 300 "$tmp/initrd" "$cmdline" $disks &
  guest=$!
  for _ in $(seq 280); do grep -q "waiting (kiln.end=auto)" "$tmp/serial.log" && break; sleep 1; done
  sleep 5
  kill -0 "$guest" 2> /dev/null || fail "the guest ended after the crash instead of waiting (kiln.end=auto)"
  kill "$(cat "$tmp/serial.log.pid")"; wait "$guest" 2> /dev/null || true
  grep -q "KILN-RUNNER CRASHED: exit status 139 (signal 11)" "$tmp/serial.log" || fail "no crash banner on the console"
  grep -q "KILN VERDICT: CRASHED" "$tmp/serial.log" || fail "no CRASHED verdict"
  grep -q "waiting (kiln.end=auto)" "$tmp/serial.log" || fail "the node did not say it waits"
  stored=$(curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$(kilnctl -f json run list | jget 'd["runs"][-1]["id"]')/artifacts" | jget 'len(d["artifacts"])')
  [ "$stored" -gt 5 ] || fail "the orchestrator holds $stored artifacts of the crashed run"
  grep "CRASHED" "$tmp/serial.log"
  echo "hw crash passed in $(($(date +%s) - started)) s: crash shown, node waiting, $stored artifacts kept by the orchestrator"
  exit 0
fi
if [[ $case_ = reboot_* ]]; then
  # shellcheck disable=SC2086  # $disks holds QEMU arguments
  reboot_case "$case_" "$cmdline" $disks
  echo "hw $case_ passed in $(($(date +%s) - started)) s"
  exit 0
fi
# shellcheck disable=SC2086  # $disks holds QEMU arguments
boot_guest "$tmp/serial.log" 480 "$tmp/initrd" "$cmdline" $disks && qrc=0 || qrc=$?
echo "guest ran $(($(date +%s) - started)) s since the test started (QEMU status $qrc)"
[ $qrc = 0 ] || fail "QEMU status $qrc (124: the guest did not power off in time)"
grep -q "BMC /dev/ipmi0" "$tmp/serial.log" || fail "the in-band BMC (/dev/ipmi0) was not found"
grep -q "KILN VERDICT" "$tmp/serial.log" || fail "no verdict on the console"
grep "KILN VERDICT" "$tmp/serial.log"

run_json() { kilnctl -f json run list | jget "$1"; }
report() {  # PYTHON-EXPR on the stored report
  local id
  id=$(run_json 'd["runs"][-1]["id"]')
  curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$id/report" | jget "$1"
}
stage_field() { report "[s for s in d['stages'] if s['name'] == '$1'][0]$2"; }
case $case_ in
  good)
    grep -q "KILN VERDICT: PASS" "$tmp/serial.log" || fail "the verdict is not PASS"
    wait_node 90 'd["provision_state"] == "available" and "CUSTOM_KILN_PASSED" in d["traits"]'
    [ "$(report 'd["node"]["fru"]["product_serial"] + " " + d["delivery"]["tag"] + " " + d["profile"]')" = \
      "KILN-HW-0001 PO-2026-0042 hw" ] || fail "report identity: $(report 'd["node"], d["delivery"]')"
    echo "Ironic node $node: available, CUSTOM_KILN_PASSED; report names $serial / $asset / hw" ;;
  baddisk)
    grep -q "KILN VERDICT: FAIL" "$tmp/serial.log" || fail "the verdict is not FAIL"
    wait_node 90 'd["maintenance"]'
    reason=$(node_field 'd["maintenance_reason"]')
    echo "maintenance reason: $reason"
    grep -q KILN-NVME-BAD1 <<< "$reason" || fail "the maintenance reason does not name the bad disk's serial"
    [ "$(stage_field disk '["verdict"]')" = FAIL ] || fail "the disk stage did not FAIL" ;;
  nofru)
    grep -q "KILN VERDICT: FAIL" "$tmp/serial.log" || fail "the verdict is not FAIL"
    [ "$(stage_field preliminary '["verdict"]')" = FAIL ] || fail "preliminary did not FAIL"
    diag=$(report 'd["failures"][0]')
    echo "diagnosis: $diag"
    grep -qi "asset tag" <<< "$diag" || fail "the diagnosis does not say the asset tag is missing" ;;
  noburnin)
    after=$(sha256sum "$tmp/sata.raw" "$tmp/nvme.raw" | cut -d' ' -f1 | tr '\n' ' ')
    [ "$before" = "$after" ] || fail "a disk changed without the orchestrator's go-ahead"
    grep -q "not confirmed" "$tmp/serial.log" || fail "the console does not say destructive work was not confirmed"
    echo "both disks unchanged (sha256 $before)" ;;
  decommission)
    grep -q "KILN VERDICT: PASS" "$tmp/serial.log" || fail "the verdict is not PASS"
    wait_node 120 'd["provision_state"] == "manageable" and d["target_provision_state"] is None and d["retired"]'
    reason=$(node_field 'd["retired_reason"]')
    echo "Ironic node $node: manageable, retired: $reason"
    grep -q "^kiln decommission certificate .*/$(run_json 'd["runs"][-1]["id"]') sha256 [0-9a-f]\{64\}$" <<< "$reason" ||
      fail "retired_reason does not name the run's certificate: $reason"
    decom_check "$(run_json 'd["runs"][-1]["id"]')" "$tmp/sata.raw" "$tmp/nvme.raw" "$tmp/scsi.raw" ;;
  bootorder_*) bootorder_check "$case_" ;;
esac
echo "hw $case_ passed in $(($(date +%s) - started)) s"
