# shellcheck shell=bash
# The unexpected-reboot cases of hw_test.sh (sourced; docs/reboots.md). The guest
# runs profile hw-reboot (inventory, then a 20 s memory stage) against the real
# kiln-orchestrator on the host and is interrupted in the middle of the memory stage:
#   reboot_sel, reboot_sel_retry: ipmi_sim's SEL gets an uncorrectable ECC event (IPMI
#       LAN, Add SEL Entry), then QEMU's monitor resets the guest (system_reset)
#   reboot_panic: the kernel panics (sysrq c, typed into the image's debug shell on the
#       second serial port) with ramoops in 1 MiB of RAM reserved on the command line;
#       the image's kernel.panic=10 reboots it
# QEMU runs without -no-reboot, so the guest boots the same image and command line
# again: a new boot id, the same run token. The next boot's runner continues the run;
# the checks read the orchestrator's API (reboot_check).
# Uses hw_test.sh's tmp, url, OP, fail(), jget, kilnctl, boot_guest's GUEST_* settings.

# A memory uncorrectable ECC event as `ipmitool sel add` reads it: EvM rev 4, sensor
# type 0x0c (Memory), sensor 0x53, event type 0x6f (sensor-specific), offset 1
# (Uncorrectable ECC), data 2/3 unspecified/DIMM 2. The BMC time-stamps it on arrival.
REBOOT_SEL_EVENT='0x04 0x0c 0x53 0x6f 0x01 0xff 0x02'
# 1 MiB at 768 MiB of the guest's 1536 MiB, kept from the kernel (memmap=) for ramoops: clear
# of the top of RAM, where SeaBIOS keeps its tables and QEMU loads the initramfs.
# shellcheck disable=SC2016  # memmap=SIZE$ADDRESS, a literal $
REBOOT_RAMOOPS='memmap=1M$0x30000000 ramoops.mem_address=0x30000000 ramoops.mem_size=0x100000'

# reboot_prepare CASE: QEMU keeps the guest across resets, with a monitor socket and the
# debug shell's serial port (ttyS1) on unix sockets; the delivery's on_unexpected_reboot.
reboot_prepare() {
  local policy=fail
  [ "$1" = reboot_sel_retry ] && policy=retry_stage
  GUEST_NO_REBOOT=""
  GUEST_EXTRA=(-serial stdio -serial "unix:$tmp/ttyS1.sock,server=on,wait=off"
    -monitor "unix:$tmp/monitor.sock,server=on,wait=off")
  echo "on_unexpected_reboot: $policy" >> "$tmp/overlay/etc/kiln/deliveries/po-2026-0042.yaml"
}

# unix_send SOCKET TEXT WAIT_S: writes TEXT (lines end in CR) and prints what came back.
unix_send() {
  python3 - "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(0.2)
out = b""
for line in sys.argv[2].split("\n"):
    s.sendall(line.encode() + b"\r")
    end = time.time() + float(sys.argv[3])
    while time.time() < end:
        try:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        except socket.timeout:
            pass
sys.stdout.write(out.decode(errors="replace"))
PY
}

run_show() { curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$REBOOT_RUN"; }

# reboot_wait_memory: until the orchestrator has the run in its memory stage, past 0 %.
reboot_wait_memory() {
  local end=$(($(date +%s) + 240))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(run_show 2> /dev/null | jget 'd["stage"] == "memory" and d["progress"] > 0' 2> /dev/null)" = True ] && return 0
    kill -0 "$1" 2> /dev/null || fail "QEMU ended before the memory stage"
    sleep 0.5
  done
  fail "the run never reached the memory stage: $(run_show | jget '(d["stage"], d["progress"])')"
}

# reboot_case CASE CMDLINE DISK_ARGS...: the burn-in, interrupted in the memory stage,
# then the next boot until it powers off; then the checks.
reboot_case() {
  local case_=$1 cmdline=$2 guest boots qrc=0
  shift 2
  [ "$case_" = reboot_panic ] && cmdline="$cmdline $REBOOT_RAMOOPS"
  boot_guest "$tmp/serial.log" 420 "$tmp/initrd" "$cmdline" "$@" &
  guest=$!
  reboot_wait_memory "$guest"
  echo "boot 1 in the memory stage at $(run_show | jget 'd["progress"]') %, $(run_show | jget 'd["artifacts"]') artifacts stored, $(($(date +%s) - started)) s"
  case $case_ in
    reboot_sel*)
      # ipmi_sim's SEL clock starts near 0 (entries "Pre-Init", which kiln leaves out as
      # undated): set it to UTC now, as a BMC's clock is set in a rack (NTP, the host)
      # (IPMI Set SEL Time, 0x0a 0x49, the seconds since 1970 little-endian)
      # shellcheck disable=SC2046  # four bytes, four arguments
      ipmi_lan raw 0x0a 0x49 $(python3 -c 'import time; print(" ".join(f"0x{b:02x}" for b in int(time.time()).to_bytes(4, "little")))') \
        > /dev/null || fail "ipmitool raw Set SEL Time (LAN) failed"
      echo "$REBOOT_SEL_EVENT" > "$tmp/sel-ecc.txt"
      ipmi_lan sel add "$tmp/sel-ecc.txt" > /dev/null || fail "ipmitool sel add (LAN) failed"
      ipmi_lan sel elist | tail -n 1
      unix_send "$tmp/monitor.sock" system_reset 0.5 > /dev/null ;;
    reboot_panic)
      # what the kernel made of ramoops, then the panic
      unix_send "$tmp/ttyS1.sock" "$(printf '\ndmesg | grep -i -e ramoops -e pstore\necho c > /proc/sysrq-trigger')" 1 \
        > "$tmp/ttyS1.log"
      grep -E '\] (ramoops|pstore):' "$tmp/ttyS1.log" || echo "(the guest's dmesg names no ramoops/pstore)" ;;
  esac
  echo "guest interrupted ($case_) at $(($(date +%s) - started)) s"
  wait "$guest" || qrc=$?
  boots=$(grep -c "^.*kiln image .*, kernel " "$tmp/serial.log" || true)
  echo "guest ran $(($(date +%s) - started)) s since the test started (QEMU status $qrc, $boots boots)"
  [ "$qrc" = 0 ] || fail "QEMU status $qrc (124: the guest did not power off in time)"
  [ "$boots" = 2 ] || fail "the guest booted $boots times, not twice"
  grep "KILN VERDICT" "$tmp/serial.log"
  reboot_check "$case_"
}

# reboot_check CASE: the orchestrator's run: one unexpected_reboot event in the memory
# stage; the report (fail: KILN-RUN-UNEXPECTED-REBOOT with the evidence; retry: memory
# run again and PASS) lists the reboot; inventory was not run again; every artifact of
# both boots is stored once, the sequence numbers 0..n-1 without a gap or a twin.
reboot_check() {
  local case_=$1 show
  show=$(run_show)
  curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$REBOOT_RUN/report" > "$tmp/report.json" ||
    fail "the orchestrator holds no report of run $REBOOT_RUN"
  curl -sf -H "Authorization: Bearer $OP" "$url/v1/runs/$REBOOT_RUN/artifacts" > "$tmp/artifacts.json" ||
    fail "no artifacts of run $REBOOT_RUN"
  [ "$(jget 'len(d["events"])' <<< "$show")" = 1 ] || fail "run events: $(jget 'd["events"]' <<< "$show")"
  [ "$(jget 'd["events"][0]["kind"] + " " + d["events"][0]["interrupted"]["stage"]' <<< "$show")" = \
    "unexpected_reboot memory" ] || fail "event: $(jget 'd["events"][0]' <<< "$show")"
  [ "$(jget 'd["events"][0]["boot_id"] != d["events"][0]["previous_boot_id"]' <<< "$show")" = True ] ||
    fail "the event's boot ids do not differ"
  [ "$(jget 'd["boots"]' <<< "$show")" = 2 ] || fail "the run says it was streamed from $(jget 'd["boots"]' <<< "$show") boots, not 2"
  echo "run event: $(jget 'd["events"][0]["kind"], d["events"][0]["interrupted"]' <<< "$show")"
  python3 - "$case_" "$tmp/report.json" "$tmp/artifacts.json" "$(jget 'd["verdict"]' <<< "$show")" <<'PY' ||
import json, re, sys
case, report, artifacts, verdict = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
stage = {s["name"]: s for s in report["stages"]}
failures = "\n".join(report["failures"])
assert len(report["reboots"]) == 1, f"report lists {len(report['reboots'])} reboots"
handled = report["reboots"][0]["handled"]
assert stage["inventory"].get("finished_on_earlier_boot"), "inventory was not carried from boot 1"
if case == "reboot_sel_retry":
    assert (report["verdict"], verdict, handled, stage["memory"]["verdict"]) == ("PASS", "PASS", "rerun", "PASS"), \
        f"retry_stage: verdict {report['verdict']}/{verdict}, handled {handled}, memory {stage['memory']['verdict']}: {failures}"
    evidence = json.dumps(report["reboots"][0].get("evidence", []))
    assert "Uncorrectable ECC" in evidence, f"the reboot's evidence does not hold the SEL event: {evidence}"
else:
    assert (report["verdict"], verdict, handled, stage["memory"]["verdict"]) == ("FAIL", "FAIL", "FAIL", "FAIL"), \
        f"fail: verdict {report['verdict']}/{verdict}, handled {handled}, memory {stage['memory']['verdict']}"
    line = next((f for f in report["failures"] if f.startswith("KILN-RUN-UNEXPECTED-REBOOT")), None)
    assert line, f"no KILN-RUN-UNEXPECTED-REBOOT failure: {failures}"
    assert re.search(r"the node reset during the memory stage at \d+ %", line), f"stage not named: {line}"
    want = "SEL: Memory" if case == "reboot_sel" else "pstore: Kernel panic - not syncing: sysrq triggered crash"
    assert want in line, f"'{want}' not in: {line}"
    if case == "reboot_sel":
        assert "Uncorrectable ECC" in line, f"the SEL event is not named: {line}"
    print(f"diagnosis: {line}")
lines = [json.loads(a) for a in artifacts["artifacts"]]
seqs = [a["sequenceNumber"] for a in lines]
assert seqs == list(range(len(seqs))), f"sequence numbers not 0..n-1 once each: {seqs}"
def count(kind, key):
    return [a[kind][key] for a in lines if kind in a and key in a[kind]]
steps = [s["name"] for s in count("testStepArtifact", "testStepStart")]
assert steps.count("inventory") == 1 and steps.count("memory") == 2, f"steps started: {steps}"
assert len(count("testRunArtifact", "testRunStart")) == 2, "not one testRunStart per boot"
assert len(count("testRunArtifact", "testRunEnd")) == 1, "not one testRunEnd (boot 2's)"
print(f"{len(lines)} artifacts stored once each (sequence 0..{len(lines) - 1}), steps {steps}, reboot handled {handled}")
PY
    fail "the run after the reboot is not as expected"
}
