# shellcheck shell=bash
# The hw "decommission" case (sourced by hw_test.sh; uses its $tmp, $SRC, fail,
# jget, kilnctl, BMC_LAN_PORT): a used server's disks and BMC before the boot,
# and everything checked on the host afterwards, without kiln's own verdict.
# shellcheck disable=SC2154  # tmp, url: set by hw_test.sh
#
# What QEMU 7.2 (Debian 12) emulates, read in the guest (nvme id-ctrl, hdparm -I):
#   NVMe  sanicap=0 (no Sanitize), oacs=0x10a (Format NVM supported), fna=0 (no
#         crypto erase with format) -> kiln must choose `nvme format --ses=1`;
#         QEMU's format writes zeroes over the namespace.
#   AHCI  ide-hd: hdparm -I has no Security feature set -> no ATA security erase:
#         kiln must fall back to its overwrite pass and record why.
#   SCSI  scsi-hd on virtio-scsi: REPORT SUPPORTED OPERATION CODES and SANITIZE are
#         "Illegal request, Invalid opcode" -> no SCSI firmware erase known: overwrite,
#         with the failed probe recorded.
DECOM_MARKER="KILN-HW-CUSTOMER-DATA-MARKER-5e1d"
DECOM_MIB=64

# Disks full of the marker: the SATA disk as ext4 (a file system signature
# kiln's wipe must not stop at) over a marker-filled image, the others raw.
decom_fill_disks() {  # SATA_FILE OTHER_FILE...
  local f
  for f in "$@"; do
    python3 - "$f" "$DECOM_MIB" "$DECOM_MARKER" <<'PY'
import sys
path, mib, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode() + b" "
block = (marker * ((1 << 20) // len(marker) + 1))[: 1 << 20]
with open(path, "wb") as out:
    for _ in range(mib):
        out.write(block)
PY
  done
  mkdir -p "$tmp/data"
  python3 -c "import sys; m=sys.argv[2].encode()+b'\n'; open(sys.argv[1],'wb').write(m*((8<<20)//len(m)))" \
    "$tmp/data/customer.db" "$DECOM_MARKER"
  mke2fs -q -F -t ext4 -E nodiscard -L CUSTOMER -d "$tmp/data" "$1" "${DECOM_MIB}M"
  for f in "$@"; do
    n=$({ grep -a -o "$DECOM_MARKER" "$f" || true; } | wc -l)
    [ "$n" -gt 100000 ] || fail "setup: $f holds only $n markers"
    echo "before: $(basename "$f") holds $n copies of the marker"
  done
}

# A BMC that was used: two more users, two SEL events, a static LAN address.
decom_prepare_bmc() {
  ipmi_lan user set name 3 olduser > /dev/null && ipmi_lan user set password 3 Passw0rd-old > /dev/null
  ipmi_lan user enable 3 > /dev/null && ipmi_lan user priv 3 4 1 > /dev/null
  ipmi_lan user set name 4 ops-bob > /dev/null && ipmi_lan user enable 4 > /dev/null
  ipmi_lan user priv 4 3 1 > /dev/null
  printf '0x04 0x01 0x30 0x01 0x07 0x00 0x00\n0x04 0x02 0x31 0x01 0x07 0x00 0x00\n' > "$tmp/sel-add.txt"
  ipmi_lan sel add "$tmp/sel-add.txt" > /dev/null
  ipmi_lan lan set 1 ipsrc static > /dev/null && ipmi_lan lan set 1 ipaddr 10.1.2.3 > /dev/null
  ipmi_lan lan set 1 netmask 255.255.255.0 > /dev/null && ipmi_lan lan set 1 defgw ipaddr 10.1.2.254 > /dev/null
  [ "$(ipmi_lan sel info | awk -F: '/^Entries/ {gsub(/ /,"",$2); print $2}')" = 2 ] || fail "setup: SEL"
  ipmi_lan lan print 1 | grep -q "^IP Address *: 10.1.2.3" || fail "setup: LAN"
}

# After the run: the disk images hold no marker and only zeros (host-side grep
# and cmp), the served certificate verifies and names per disk the method the
# emulated device supports, and the BMC (read over LAN) matches the profile's policy.
decom_check() {  # RUN_ID DISK_FILE...
  local f n size run_id=$1
  shift
  for f in "$@"; do
    n=$({ grep -a -o "$DECOM_MARKER" "$f" || true; } | wc -l)
    [ "$n" = 0 ] || fail "$(basename "$f") still holds $n copies of the marker"
    size=$(stat -c %s "$f")
    cmp -n "$size" "$f" /dev/zero > /dev/null || fail "$(basename "$f") is not all zeros: $(cmp -n "$size" "$f" /dev/zero 2>&1)"
    echo "after: $(basename "$f"): 0 markers, all $size bytes zero (grep, cmp on the host)"
  done

  kilnctl certificate get --run "$run_id" -o "$tmp/cert.json" > /dev/null
  kilnctl certificate verify "$tmp/cert.json" --orchestrator "$url" || fail "the served certificate does not verify"
  python3 "$SRC/tests/integration/validate_json.py" "$SRC/results-schema/certificate.schema.json" "$tmp/cert.json" ||
    fail "the certificate does not match results-schema/certificate.schema.json"
  sed 's/"result": "wiped"/"result": "kept"/' "$tmp/cert.json" > "$tmp/cert-tampered.json"
  set +e; kilnctl certificate verify "$tmp/cert-tampered.json" --orchestrator "$url" > /dev/null 2>&1; rc=$?; set -e
  [ "$rc" = 1 ] || fail "a tampered certificate verifies (exit $rc, expected 1)"
  python3 - "$tmp/cert.json" <<'PY' || fail "the certificate does not record what the emulated devices support"
import json, sys
body = json.load(open(sys.argv[1]))["certificate"]
disks = {d["serial"]: d for d in body["disks"]}
assert body["verdict"] == "PASS", body["verdict"]
assert body["operator"] == "Hana Hw", body["operator"]
# kiln.mode=decommission without kiln.profile runs the decommission profile, not the delivery's hw
assert body["profile"] == "decommission", body["profile"]
assert [s["name"] for s in body["stages"]] == ["preliminary", "inventory", "disk-wipe", "bmc-reset"], body["stages"]
assert set(disks) == {"KILN-NVME-0001", "KILN-SATA-0001", "KILN-SCSI-0001"}, sorted(disks)
nvme, sata, scsi = disks["KILN-NVME-0001"], disks["KILN-SATA-0001"], disks["KILN-SCSI-0001"]
# QEMU NVMe: no Sanitize (sanicap 0), no crypto format (fna 0), Format NVM yes (oacs bit 1).
assert nvme["device"] == "/dev/nvme0n1" and nvme["transport"] == "nvme", nvme
assert nvme["method"] == "nvme-format-user-data", nvme["method"]
assert "nvme sanitize not supported (sanicap=0x0)" in nvme["fallbacks"], nvme["fallbacks"]
assert "nvme format --ses=2 not supported (fna=0x0)" in nvme["fallbacks"], nvme["fallbacks"]
assert any("format" in c and "--ses=1" in c for c in nvme["commands"]), nvme["commands"]
assert not nvme.get("overwrite_bytes"), nvme  # the format alone, no overwrite (policy: fallback)
# QEMU ide-hd on AHCI: no ATA Security feature set -> the overwrite pass, the reason recorded.
assert sata["transport"] == "ata", sata
assert sata["method"] == "overwrite", sata["method"]
assert "ATA security erase not supported (hdparm -I: no Security feature set)" in sata["fallbacks"], sata["fallbacks"]
assert sata["overwrite_bytes"] == sata["size_bytes"] == 64 << 20, sata
# QEMU scsi-hd: no REPORT SUPPORTED OPERATION CODES -> no SCSI firmware erase known -> overwrite.
assert scsi["transport"] == "scsi", scsi
assert scsi["method"] == "overwrite", scsi["method"]
assert "SCSI command support unknown (sg_opcodes failed)" in scsi["fallbacks"], scsi["fallbacks"]
assert any(p.startswith("`sg_opcodes /dev/") and p.count("`sg_opcodes") == 1 and "Invalid opcode" in p
           for p in scsi["probe_failures"]), scsi["probe_failures"]
assert scsi["overwrite_bytes"] == scsi["size_bytes"] == 64 << 20, scsi
for d in (nvme, sata, scsi):
    assert d["result"] == "wiped", d
    v = d["verification"]
    assert v["result"] == "PASS" and v["mismatches"] == 0 and v["bytes_verified"] >= 2 << 20, v
bmc = body["bmc"]
assert bmc["result"] == "reset" and bmc["interface"] == "in-band (/dev/ipmi0)", bmc
assert bmc["kept_user"] == "admin", bmc
bad = [a for a in bmc["actions"] if a["result"] != "ok"]
assert not bad and len(bmc["actions"]) >= 6, bmc["actions"]
for d in (nvme, sata, scsi):
    print(f"certificate: {d['device']} ({d['serial']}): {d['method']}; fallbacks: {'; '.join(d['fallbacks'])}")
print(f"certificate: BMC {bmc['interface']}: {len(bmc['actions'])} actions read back ok")
PY

  # The BMC read back over LAN from the host, against the decommission profile's policy:
  # keep_user admin, users disable (name ""), sel clear, lan ipsrc=dhcp ipaddr/netmask/defgw 0.0.0.0
  # (the image runs configs/profiles/decommission.yaml: if its policy changes, so must this check).
  python3 - "$SRC/configs/profiles/decommission.yaml" <<'PY' || fail "configs/profiles/decommission.yaml's bmc-reset policy is not the one this test checks"
import sys, yaml
stage = [s for s in yaml.safe_load(open(sys.argv[1]))["stages"] if s["stage"] == "bmc-reset"][0]
p = stage["params"]
want = {"keep_user": "admin", "users": "disable", "disabled_name": "", "sel": "clear", "channel": 1,
        "lan": ["ipsrc=dhcp", "ipaddr=0.0.0.0", "netmask=0.0.0.0", "defgw=0.0.0.0"], "fru": "keep"}
assert {k: p.get(k) for k in want} == want, p
PY
  ipmi_lan user list 1 > "$tmp/users.txt"; ipmi_lan user summary 1 > "$tmp/summary.txt"
  ipmi_lan lan print 1 > "$tmp/lan.txt"; ipmi_lan sel info > "$tmp/sel.txt"
  awk '$1 == 2 && $2 == "admin" && /ADMINISTRATOR/ {ok=1} END {exit !ok}' "$tmp/users.txt" || fail "the kept user admin lost its access"
  ! grep -Eq "olduser|ops-bob" "$tmp/users.txt" || fail "old user names are left: $(grep -E 'olduser|ops-bob' "$tmp/users.txt")"
  for id in 1 3 4; do
    awk -v id=$id '$1 == id' "$tmp/users.txt" | grep -Eq "false +NO ACCESS" || fail "user $id keeps access: $(awk -v id=$id '$1 == id' "$tmp/users.txt")"
  done
  grep -Eq "^Enabled User Count +: 1$" "$tmp/summary.txt" || fail "more than the kept user enabled: $(cat "$tmp/summary.txt")"
  grep -Eq "^IP Address Source +: DHCP Address" "$tmp/lan.txt" && grep -Eq "^IP Address +: 0.0.0.0" "$tmp/lan.txt" &&
    grep -Eq "^Subnet Mask +: 0.0.0.0" "$tmp/lan.txt" && grep -Eq "^Default Gateway IP +: 0.0.0.0" "$tmp/lan.txt" ||
    fail "LAN channel 1 not reset: $(grep -E 'IP Address|Subnet|Gateway IP' "$tmp/lan.txt")"
  n=$(awk -F: '/^Entries/ {gsub(/ /,"",$2); print $2}' "$tmp/sel.txt")
  [ "$n" -le 1 ] || fail "the SEL holds $n entries after the reset"
  ! ipmitool -I lanplus -H 127.0.0.1 -p "$BMC_LAN_PORT" -U olduser -P Passw0rd-old -C 3 mc info > /dev/null 2>&1 ||
    fail "olduser can still log in to the BMC"
  ipmi_lan fru print 0 | grep -q "PO-2026-0042" || fail "the FRU asset tag was not kept"
  echo "BMC over LAN: only admin enabled (users 1, 3, 4 NO ACCESS, names cleared), LAN DHCP/0.0.0.0, SEL $n entries, FRU kept"
}
