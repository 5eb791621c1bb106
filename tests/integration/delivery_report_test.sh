#!/usr/bin/env bash
# The signed delivery report end to end. Six nodes of delivery PO-2026-0042 run the real
# kiln-runner (inventory + disk on a real loop device), each with its own machine:
#   - SMBIOS tables decoded by the real dmidecode (--from-dump of a table written by
#     smbios_dump.py): BIOS 2.17.1 on five nodes, 2.12.0 on node 3; two DIMMs each;
#   - a --sysroot with a SATA disk in sysfs (model, serial, firmware revision), the machine's
#     own /proc/cpuinfo (microcode) and its real eth0 (ethtool -i);
#   - node 5's disk answers SMART with a real capture of a failing disk (health FAILED).
# The reports are posted to the real orchestrator (config_dir with the delivery's tender
# reference and firmware rule, a signing key). Then: kilnctl delivery show names the systematic
# finding; the JSON report validates against results-schema/delivery-report.schema.json and has
# the per-requirement verdicts and the RMA line; each format verifies and a tampered copy does
# not; the HTML is printed to PDF by headless Chromium (screenshot into ARTIFACTS) and the PDF's
# pages and text are checked with pdfinfo/pdftotext (poppler-utils).
#   delivery_report_test.sh BIN_DIR RUNNER SOURCE_DIR ARTIFACTS_DIR
set -euo pipefail
bin=$1; runner=$2; src=$3; artifacts=$4
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$(dirname "$0")/orchestrator_rig.sh"
rig_init kiln-report-it
for tool in python3 dmidecode smartctl ethtool badblocks chromium losetup; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
if [ "$(id -u)" != 0 ] || ! loop=$(truncate -s 16M "$tmp/disk.img" && losetup -f --show "$tmp/disk.img" 2>/dev/null); then
  echo "SKIP: cannot create a loop device (needs root and /dev/loop-control)"; exit 77
fi
rig_on_exit "losetup -d $loop"
real_dmidecode=$(command -v dmidecode); real_smartctl=$(command -v smartctl)
failing_smart="$src/tests/data/smartctl/sata-hdd-hitachi-7k1000d-failed-health-realloc1975-pending8-usbjmicron.json"

# The delivery as the orchestrator and the runners know it.
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cat > "$tmp/configs/profiles/acceptance.yaml" <<'YAML'
profile: acceptance
stages:
  - stage: inventory
  - stage: disk
    params: {mode: readonly, timeout: 2m}
YAML
cat > "$tmp/configs/deliveries/po-2026-0042.yaml" <<'YAML'
delivery: PO-2026-0042
description: 6 compute nodes, lot 1
tender_reference: CERN-IT-2026-042
profile: acceptance
expected:
  disk_count: 1
  disk_min_size_gb: 100
limits:
  disk:
    bad_blocks_max: 0
    reallocated_sectors_delta_max: 0
firmware:
  bios: {min: "2.17.0"}
  dimm_speed_at_rated: true
YAML

run_node() {  # run_node INDEX BIOS-VERSION FAILING-DISK(yes|no)
  local i=$1 n="$tmp/node$1" sys
  mkdir -p "$n/shim"
  sys="$n/root/sys"
  python3 "$src/tests/integration/smbios_dump.py" "$n/smbios.bin" --bios-vendor "Dell Inc." \
    --bios-version "$2" --bios-date 03/14/2025 --system-serial "KILN-RPT-000$i" \
    --dimm "A1:32768:3200:3200:M393A4K40DB3-CWE:D${i}A1" --dimm "B1:32768:3200:3200:M393A4K40DB3-CWE:D${i}B1"
  printf '#!/bin/sh\nexec %s --from-dump %s "$@"\n' "$real_dmidecode" "$n/smbios.bin" > "$n/shim/dmidecode"
  if [ "$3" = yes ]; then  # the disk stage's SMART reads (-a) get the failing disk's capture
    printf '#!/bin/sh\ncase " $* " in *" -a "*|*" -x "*) cat %s; exit 216 ;; esac\nexec %s "$@"\n' \
      "$failing_smart" "$real_smartctl" > "$n/shim/smartctl"
  fi
  chmod +x "$n/shim/"*
  local pci=devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sdy
  mkdir -p "$sys/$pci/device" "$sys/$pci/queue" "$sys/block" "$sys/class/net" "$n/root/proc"
  ln -s "../$pci" "$sys/block/sdy"
  printf 'ST8000NM0055-1RM112\n' > "$sys/$pci/device/model"
  printf 'ZA1RPT0%s\n' "$i" > "$sys/$pci/device/serial"
  printf 'SN05\n' > "$sys/$pci/device/rev"
  printf '15628053168\n' > "$sys/$pci/size"
  printf '1\n' > "$sys/$pci/queue/rotational"
  ln -s /sys/class/block "$sys/class/block"   # the loop device the disk stage tests is real
  ln -s /sys/class/net/eth0 "$sys/class/net/eth0"
  cp /proc/cpuinfo /proc/meminfo "$n/root/proc/"
  sed "s/KILN-DEMO-0001/KILN-RPT-000$i/" "$src/tests/data/fru-po-2026-0042.txt" > "$n/fru.txt"
  set +e
  PATH="$n/shim:$PATH" "$runner" run --config "$tmp/configs" --fru-file "$n/fru.txt" \
    --sysroot "$n/root" --disk "$loop" --out "$n/out" > "$n/stdout" 2>&1
  local rc=$?
  set -e
  [ -s "$n/out/report.json" ] || { cat "$n/stdout"; fail "node $i: kiln-runner wrote no report (exit $rc)"; }
  echo "node $i: kiln-runner exit $rc, verdict $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['verdict'])" "$n/out/report.json")"
}
for i in 0 1 2 3 4 5; do
  bios=2.17.1; [ $i = 3 ] && bios=2.12.0
  failing=no; [ $i = 5 ] && failing=yes
  run_node $i $bios $failing
done
/usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/report.schema.json" "$tmp"/node*/out/report.json ||
  fail "a runner report does not validate"
python3 - "$tmp" <<'PY' || fail "the runners' reports"
import json, sys
for i in range(6):
    r = json.load(open(f"{sys.argv[1]}/node{i}/out/report.json"))
    fw = r["firmware"]
    assert fw["bios"]["version"] == ("2.12.0" if i == 3 else "2.17.1"), fw["bios"]
    assert fw["disks"][0]["firmware"] == "SN05" and fw["disks"][0]["source"] == "sysfs", fw["disks"]
    assert fw["nics"] and fw["nics"][0]["driver"], fw["nics"]          # the real eth0, ethtool -i
    assert [d["configured_speed_mts"] for d in fw["dimms"]] == [3200, 3200], fw["dimms"]
    bios = next(q for q in fw["requirements"] if q["requirement"] == "firmware.bios")
    assert bios["met"] == (i != 3), bios
    want = "FAIL" if i in (3, 5) else "PASS"
    assert r["verdict"] == want, (i, r["verdict"], r["failures"])
print("six runner reports: firmware recorded, node 3's BIOS and node 5's disk FAIL")
PY
# The OCPTV stream carries the same firmware as an extension artifact.
grep -q '"extension":{"content":{"bios":{"release_date":"03/14/2025","revision":"2.17","vendor":"Dell Inc.","version":"2.12.0"}' \
  "$tmp/node3/out/ocptv.jsonl" || fail "node 3: no kiln.firmware extension in ocptv.jsonl"
rc=0; /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$tmp/node3/out/ocptv.jsonl" "${KILN_SHARED_DIR:-$src/../shared}/ocp-diag-schema" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 77 ] || fail "node 3's OCPTV stream (with its extension artifact) is not valid OCPTV"

rig_write_config "certificate_key: $tmp/certificate-key.pem"
start_orchestrator
post_node() {  # post_node INDEX: a burn-in of node-INDEX, its registration, its runner's report
  python3 "$src/tests/integration/kiln_feed.py" "$url" "$OP" "$tmp/node$1/out" "node-$1" "KILN-RPT-000$1" \
    PO-2026-0042 --report-only > /dev/null
}
for i in 0 1 2 3 4 5; do post_node $i; done

kilnctl delivery show PO-2026-0042 | tee "$tmp/show.txt"
grep -q "^BIOS version 2.17.1: 5 nodes, 2.12.0: 1 node$" "$tmp/show.txt" || fail "delivery show: no BIOS distribution"
grep -q "^BIOS version 2.12.0 on 1 of 6 nodes (node-3 (KILN-RPT-0003)) while 5 run 2.17.1: not uniform across the delivery$" \
  "$tmp/show.txt" || fail "delivery show: no systematic finding"
grep -q "^  node-3: BIOS version 2.12.0" "$tmp/show.txt" || fail "delivery show: node-3 is not flagged"

mkdir -p "$artifacts"
kilnctl delivery report PO-2026-0042 --format json -o "$tmp/report.json"
kilnctl delivery report PO-2026-0042 --format html -o "$artifacts/report.html"
kilnctl delivery report PO-2026-0042 --format csv -o "$tmp/report.csv"
/usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/delivery-report.schema.json" "$tmp/report.json" ||
  fail "the delivery report does not validate"
python3 - "$tmp/report.json" "$tmp/report.csv" <<'PY' || fail "the delivery report's content"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
b = doc["report"]
h = b["header"]
assert h["tender_reference"] == "CERN-IT-2026-042" and h["description"] == "6 compute nodes, lot 1", h
assert len(h["config_sha256"]["delivery_file"]) == 64 and h["period"]["from"] <= h["period"]["to"], h
reqs = {r["requirement"]: r for r in b["requirements"]}
bios = reqs["firmware.bios"]
assert (bios["nodes_checked"], bios["nodes_meeting"], bios["verdict"]) == (6, 5, "FAIL"), bios
assert (bios["min"], bios["max"]) == ("2.12.0", "2.17.1"), bios
speed = reqs["firmware.dimm_speed_at_rated"]
assert (speed["nodes_meeting"], speed["verdict"]) == (6, "PASS"), speed
count = reqs["expected.disk_count"]
assert count["nodes_meeting"] == 6 and count["verdict"] == "PASS", count
assert b["verdict"]["result"] == "FAIL" and b["verdict"]["by_verdict"]["PASS"] == 4, b["verdict"]
rma = b["rma"]
assert len(rma) == 1, rma
r = rma[0]
assert r["node_serial"] == "KILN-RPT-0005" and r["kind"] == "disk", r
assert r["serial"] == "MSK423Y20S3HBC" and r["slot"].startswith("/dev/loop"), r
assert r["code"] == "KILN-DISK-SMART-HEALTH" and "SMART overall health is FAILED" in r["message"], r
f = b["firmware"]["findings"]
assert [x["nodes"][0]["uuid"] for x in f] == ["node-3"], f
n3 = next(n for n in b["nodes"] if n["uuid"] == "node-3")
assert n3["firmware"]["bios"] == "2.12.0" and n3["findings"] and n3["requirements_failed"] == ["firmware.bios"], n3
rows = list(csv.reader(open(sys.argv[2], newline="")))
body = [row for row in rows[1:] if not row[0].startswith("# kiln-signature")]
assert len(body) == 6 * len(b["requirements"]), (len(body), len(b["requirements"]))
assert any(row[2] == "node-3" and row[6] == "firmware.bios" and row[10] == "2.12.0" and row[11] == "no"
           for row in body), body
print(f"report: {len(b['requirements'])} requirements, {len(b['nodes'])} nodes, RMA {r['serial']} ({r['code']})")
PY

# Signed: each format verifies against the orchestrator's key; a tampered copy does not.
for f in "$tmp/report.json" "$artifacts/report.html" "$tmp/report.csv"; do
  kilnctl delivery report verify "$f" --orchestrator "$url" | tee "$tmp/verify.txt"
  grep -q "^VALID: " "$tmp/verify.txt" || fail "$f does not verify"
done
sed 's/"nodes_meeting":5/"nodes_meeting":6/; s/"nodes_meeting": 5/"nodes_meeting": 6/' "$tmp/report.json" > "$tmp/tampered.json"
cmp -s "$tmp/report.json" "$tmp/tampered.json" && fail "the tamper did not change the JSON"
sed 's/2\.12\.0/2.17.1/g' "$artifacts/report.html" > "$tmp/tampered.html"
sed 's/,no,/,yes,/' "$tmp/report.csv" > "$tmp/tampered.csv"
for f in "$tmp/tampered.json" "$tmp/tampered.html" "$tmp/tampered.csv"; do
  set +e; kilnctl delivery report verify "$f" --orchestrator "$url" > "$tmp/verify.txt"; rc=$?; set -e
  cat "$tmp/verify.txt"
  [ "$rc" = 1 ] && grep -q "^INVALID: " "$tmp/verify.txt" || fail "$f: tampered but verify exit $rc"
done

# The printable page in a real headless Chromium: PDF (A4) and a screenshot.
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
        --user-data-dir="$tmp/chromium" --no-pdf-header-footer)
"${chrome[@]}" --print-to-pdf="$artifacts/report.pdf" "file://$artifacts/report.html" > "$tmp/chromium.log" 2>&1 ||
  { cat "$tmp/chromium.log"; fail "chromium --print-to-pdf"; }
"${chrome[@]}" --window-size=1240,1754 --screenshot="$artifacts/report.png" "file://$artifacts/report.html" >> "$tmp/chromium.log" 2>&1 ||
  { cat "$tmp/chromium.log"; fail "chromium --screenshot"; }
"${chrome[@]}" --dump-dom "file://$artifacts/report.html" > "$tmp/dom.html" 2>> "$tmp/chromium.log"
for want in "Delivery report PO-2026-0042" "CERN-IT-2026-042" "BIOS version 2.12.0 on 1 of 6 nodes" \
            "MSK423Y20S3HBC" "KILN-DISK-SMART-HEALTH" "5 of 6"; do
  grep -qF "$want" "$tmp/dom.html" || fail "the rendered page lacks '$want'"
done
[ -s "$artifacts/report.png" ] || fail "no screenshot"
pages=$(python3 -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page[^s]', open(sys.argv[1],'rb').read())))" "$artifacts/report.pdf")
[ "$pages" -ge 6 ] || fail "the PDF has $pages pages, want one per section (6)"
echo "PDF: $pages pages, screenshot $artifacts/report.png"
if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
  echo "SKIP: pdfinfo/pdftotext (poppler-utils) are not installed: the PDF's page size and text are not checked"
  exit 77
fi
pdfinfo "$artifacts/report.pdf" | tee "$tmp/pdfinfo.txt"
grep -Eq "^Pages: +$pages$" "$tmp/pdfinfo.txt" || fail "pdfinfo counts other pages"
grep -Eq "^Page size: +59[0-9](\.[0-9]+)? x 84[0-9](\.[0-9]+)? pts \(A4\)" "$tmp/pdfinfo.txt" || fail "the PDF is not A4"
pdftotext -layout "$artifacts/report.pdf" "$tmp/report.txt"
for want in "Delivery report PO-2026-0042" "CERN-IT-2026-042" "BIOS version 2.12.0 on 1 of 6 nodes" \
            "MSK423Y20S3HBC" "KILN-DISK-SMART-HEALTH" "Failed components to return"; do
  grep -qF "$want" "$tmp/report.txt" || fail "the PDF's text lacks '$want'"
done
echo "delivery report passed: systematic finding, RMA line, per-requirement verdicts, signatures, PDF"
