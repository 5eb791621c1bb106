#!/usr/bin/env bash
# Decommission with the real kiln-runner, real loop devices and a real ipmi_sim BMC.
#   decommission_test.sh RUNNER SOURCE_DIR wipe     two loop devices full of known data (a marker
#       string + random data with a recorded sha256) wiped by the decommission profile over an
#       ipmi_sim BMC; checked WITHOUT kiln afterwards (grep for the marker, cmp against zeros);
#       the certificate validates against its schema, verifies (kiln-runner and openssl), and a
#       corrupted copy does not.
#   decommission_test.sh RUNNER SOURCE_DIR refusal  burn-in mode (the default) with the
#       decommission profile and --i-know-this-wipes: exit 2, the loop device's sha256 unchanged.
#   decommission_test.sh RUNNER SOURCE_DIR bmc      bmc-reset against ipmi_sim over LAN: extra
#       users, SEL entries and a static LAN config; read back with ipmitool afterwards (the
#       profile also wipes a 4 MiB loop device: decommission mode refuses a profile that does not wipe).
#       No password kiln gives (nor the BMC login) appears in stdout, ocptv.jsonl, report.json or logs/.
#   decommission_test.sh RUNNER SOURCE_DIR random   pattern: random on two loop devices full of
#       known data: one with a fixed seed read back in full, whose content is regenerated here
#       (SplitMix64 in Python, independent of kiln) and compared byte for byte; one with a final
#       zero pass (all zeros, cmp against /dev/zero). The certificate records passes and seeds.
set -euo pipefail
runner=$1; src=$2; mode=$3
fru="$src/tests/data/fru-po-2026-0042.txt"
marker="KILN-CUSTOMER-DATA-MARKER-7f3a9c"

tmp=$(mktemp -d /tmp/kiln-decom.XXXXXX)
loops=()
cleanup() {
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  "$src/scripts/bmc-sim.sh" stop "$tmp/bmc" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

need_root_loops() {
  if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root (loop devices)"; exit 77; fi
  truncate -s 1M "$tmp/probe.img"
  local l
  l=$(losetup -f --show "$tmp/probe.img" 2>/dev/null) || { echo "SKIP: no loop device support"; exit 77; }
  losetup -d "$l"
}
need_bmc() {
  command -v ipmi_sim >/dev/null || { echo "SKIP: ipmi_sim not installed (make deps installs openipmi)"; exit 77; }
  port=$(( 40000 + RANDOM % 10000 ))
  "$src/scripts/bmc-sim.sh" start "$tmp/bmc" "$port" KILN-DECOM-0001 PO-2026-0042 >/dev/null
  ipmi() { ipmitool -I lanplus -H 127.0.0.1 -p "$port" -U admin -P kilnpw -C 3 "$@"; }
  # A BMC that was used: two more users, events in the SEL, a static address.
  ipmi user set name 3 olduser >/dev/null; ipmi user set password 3 Passw0rd-old >/dev/null
  ipmi user enable 3 >/dev/null; ipmi user priv 3 4 1 >/dev/null
  ipmi user set name 4 ops-bob >/dev/null; ipmi user enable 4 >/dev/null; ipmi user priv 4 3 1 >/dev/null
  printf '0x04 0x01 0x30 0x01 0x07 0x00 0x00\n0x04 0x02 0x31 0x01 0x07 0x00 0x00\n' > "$tmp/sel.txt"
  ipmi sel add "$tmp/sel.txt" >/dev/null
  ipmi lan set 1 ipsrc static >/dev/null; ipmi lan set 1 ipaddr 10.1.2.3 >/dev/null
  ipmi lan set 1 defgw ipaddr 10.1.2.254 >/dev/null
  [ "$(ipmi sel info | awk -F: '/^Entries/ {gsub(/ /,"",$2); print $2}')" = 2 ] || { echo "FAIL: setup: SEL"; exit 1; }
}
# new_loop_with_data FILE SIZE_MIB: sets $loop to /dev/loopN holding half marker blocks and
# half random blocks (no subshell, so cleanup() sees it in $loops)
new_loop_with_data() {
  local f=$1 mib=$2
  : > "$f.random"
  /usr/bin/python3 - "$f" "$mib" "$marker" <<'PY'
import os, sys
path, mib, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode() + b" "
block = (marker * ((1 << 20) // len(marker) + 1))[: 1 << 20]
with open(path, "wb") as out, open(path + ".random", "wb") as rnd:
    for i in range(mib):
        if i % 2 == 0:
            out.write(block)
        else:
            r = os.urandom(1 << 20)
            out.write(r)
            rnd.write(r)
PY
  loop=$(losetup -f --show "$f")
  loops+=("$loop")
}
check_verified() { "$runner" certificate verify "$@"; }

case "$mode" in
wipe)
  need_root_loops; need_bmc
  new_loop_with_data "$tmp/a.img" 48; a=$loop
  new_loop_with_data "$tmp/b.img" 40; b=$loop
  for d in "$a" "$b"; do
    n=$({ grep -a -o "$marker" "$d" || true; } | wc -l)
    [ "$n" -gt 1000 ] || { echo "FAIL: setup: $d holds only $n markers"; exit 1; }
  done
  random_sum=$(sha256sum "$tmp/a.img.random" | cut -d' ' -f1)
  openssl genpkey -algorithm ed25519 -out "$tmp/key.pem" 2>/dev/null
  openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem"
  set +e
  "$runner" run --config "$src/configs" --profile decommission --decommission --i-know-this-wipes \
    --disk "$a" --disk "$b" --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw \
    --signing-key "$tmp/key.pem" --operator "Jane Tech" --out "$tmp/out" > "$tmp/stdout" 2>&1
  rc=$?
  set -e
  cat "$tmp/stdout"
  [ "$rc" = 0 ] || { echo "FAIL: kiln-runner exited $rc"; exit 1; }
  # Independent of kiln: not one marker left, every byte zero, the random data gone.
  for d in "$a" "$b"; do
    size=$(blockdev --getsize64 "$d")
    n=$({ grep -a -o "$marker" "$d" || true; } | wc -l)
    [ "$n" = 0 ] || { echo "FAIL: $d still holds $n copies of the marker"; exit 1; }
    cmp -n "$size" "$d" /dev/zero || { echo "FAIL: $d is not all zeros after the wipe"; exit 1; }
    echo "$d: $size bytes, 0 markers, all zero (cmp against /dev/zero)"
  done
  [ "$(head -c 24M "$a" | sha256sum | cut -d' ' -f1)" != "$random_sum" ]
  /usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/certificate.schema.json" "$tmp/out/certificate.json"
  /usr/bin/python3 - "$tmp/out/certificate.json" "$a" "$b" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1])); body = doc["certificate"]
assert body["verdict"] == "PASS" and body["operator"] == "Jane Tech", body["verdict"]
disks = {d["device"]: d for d in body["disks"]}
for dev in sys.argv[2:]:
    d = disks[dev]
    assert d["result"] == "wiped" and d["method"] == "overwrite", d
    assert d["verification"]["result"] == "PASS" and d["verification"]["mismatches"] == 0, d
    assert d["verification"]["bytes_verified"] >= 2 << 20, d  # first and last MiB at least
    assert any("virtual device" in f for f in d["fallbacks"]), d["fallbacks"]
assert body["bmc"]["result"] == "reset", body["bmc"]
assert body["node"]["fru"]["product_asset_tag"] == "PO-2026-0042"
print("certificate:", body["verdict"], [(d["device"], d["method"], d["verification"]["mode"]) for d in body["disks"]])
PY
  grep -q "<h1>Decommission certificate</h1>" "$tmp/out/certificate.html"
  check_verified "$tmp/out/certificate.json" --public-key "$tmp/pub.pem"
  # openssl's own view: the signature over the canonical body (compact JSON, keys sorted).
  /usr/bin/python3 - "$tmp/out/certificate.json" "$tmp/canon.txt" "$tmp/sig.bin" <<'PY'
import base64, json, sys
doc = json.load(open(sys.argv[1]))
open(sys.argv[2], "wb").write(json.dumps(doc["certificate"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
open(sys.argv[3], "wb").write(base64.b64decode(doc["signature"]["value"]))
PY
  openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin -in "$tmp/canon.txt" -sigfile "$tmp/sig.bin"
  # A corrupted copy (one disk's result changed) fails, and so does a valid one against another key.
  sed 's/"result": "wiped"/"result": "wipEd"/' "$tmp/out/certificate.json" > "$tmp/corrupt.json"
  set +e
  check_verified "$tmp/corrupt.json" --public-key "$tmp/pub.pem"; rc_corrupt=$?
  openssl genpkey -algorithm ed25519 -out "$tmp/other.pem" 2>/dev/null
  check_verified "$tmp/out/certificate.json" --public-key "$tmp/other.pem"; rc_other=$?
  set -e
  [ "$rc_corrupt" = 1 ] || { echo "FAIL: a corrupted certificate must not verify (exit $rc_corrupt)"; exit 1; }
  [ "$rc_other" = 1 ] || { echo "FAIL: a certificate signed by another key must not verify (exit $rc_other)"; exit 1; }
  echo "wipe: no old byte left on $a $b; certificate valid, corrupted copy rejected"
  ;;
refusal)
  need_root_loops
  new_loop_with_data "$tmp/r.img" 16; dev=$loop
  before=$(sha256sum "$dev" | cut -d' ' -f1)
  for flags in "--i-know-this-wipes" "--mode burnin --i-know-this-wipes" "--mode decommission"; do
    set +e
    # shellcheck disable=SC2086
    "$runner" run --config "$src/configs" --profile decommission $flags --disk "$dev" --fru-file "$fru" \
      --out "$tmp/out" > "$tmp/stdout" 2>&1
    rc=$?
    set -e
    cat "$tmp/stdout"
    [ "$rc" = 2 ] || { echo "FAIL: [$flags] a refused wipe must end ERROR (exit 2), got $rc"; exit 1; }
    grep -q "wipe-refused\|nothing was written" "$tmp/out/report.json" || { echo "FAIL: [$flags] no refusal in the report"; exit 1; }
    [ "$(sha256sum "$dev" | cut -d' ' -f1)" = "$before" ] || { echo "FAIL: [$flags] $dev was written to"; exit 1; }
    echo "[$flags] refused, $dev unchanged (sha256 $before)"
  done
  set +e
  "$runner" run --config "$src/configs" --profile decommission --decommission --mode burnin --disk "$dev" \
    --fru-file "$fru" --out "$tmp/out2" > "$tmp/stdout" 2>&1; rc=$?
  set -e
  [ "$rc" = 2 ] && grep -q "contradicts" "$tmp/stdout" || { echo "FAIL: --decommission --mode burnin accepted"; exit 1; }
  [ "$(sha256sum "$dev" | cut -d' ' -f1)" = "$before" ]
  ;;
bmc)
  # A decommission profile must wipe (decommission_gate): a small loop device stands in for the disks.
  need_root_loops; need_bmc
  new_loop_with_data "$tmp/d.img" 4; disk=$loop
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
  cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
  printf 'profile: quick\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/quick.yaml"
  cat > "$tmp/configs/profiles/decommission.yaml" <<'YAML'
profile: decommission
stages:
  - stage: disk-wipe
  - stage: bmc-reset
    params: {keep_user: admin, lan: [ipsrc=dhcp, ipaddr=0.0.0.0, netmask=0.0.0.0, defgw=0.0.0.0], mc_reset_cold: true}
YAML
  # An ipmitool in front of the real one notes the throw-away passwords kiln gives disabled users
  # (outside the run's folder), so that no output of the run may be found to hold one.
  mkdir -p "$tmp/shim"
  cat > "$tmp/shim/ipmitool" <<SH
#!/bin/sh
prev2=""; prev1=""; take=0
for a in "\$@"; do
  if [ "\$take" = 1 ]; then printf '%s\\n' "\$a" >> "$tmp/given-passwords"; take=0; fi
  [ "\$prev2" = set ] && [ "\$prev1" = password ] && take=1
  prev2=\$prev1; prev1=\$a
done
exec $(command -v ipmitool) "\$@"
SH
  chmod +x "$tmp/shim/ipmitool"
  set +e
  PATH="$tmp/shim:$PATH" "$runner" run --config "$tmp/configs" --profile decommission --decommission --i-know-this-wipes \
    --disk "$disk" --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw --out "$tmp/out" > "$tmp/stdout" 2>&1
  rc=$?
  set -e
  cat "$tmp/stdout"
  [ "$rc" = 0 ] || { echo "FAIL: kiln-runner exited $rc"; exit 1; }
  # No throw-away password (nor the BMC login's) in stdout, ocptv.jsonl, report.json or any log.
  [ "$(wc -l < "$tmp/given-passwords")" -ge 2 ] || { echo "FAIL: kiln set no passwords"; exit 1; }
  echo kilnpw >> "$tmp/given-passwords"
  ls "$tmp/out/ocptv.jsonl" "$tmp/out/report.json" >/dev/null
  [ -n "$(find "$tmp/out/logs" -name '*.log' -size +0)" ] || { echo "FAIL: the run wrote no tool logs"; exit 1; }
  while read -r pw; do
    if leaks=$(grep -rlF -- "$pw" "$tmp/stdout" "$tmp/out"); then
      echo "FAIL: a password given to ipmitool appears in: $leaks"; grep -rnF -- "$pw" "$tmp/stdout" "$tmp/out" | head -5; exit 1
    fi
  done < "$tmp/given-passwords"
  echo "no password in stdout, ocptv.jsonl, report.json or logs/ ($(wc -l < "$tmp/given-passwords") checked)"
  grep -hq "user set password [0-9]* \*\*\*\*" "$tmp/out/logs/bmc-reset/ipmitool-users.log" ||
    { echo "FAIL: the step log does not show the masked password command"; exit 1; }
  # Read back with ipmitool, independently of kiln.
  ipmi user list 1 > "$tmp/users.txt"; ipmi lan print 1 > "$tmp/lan.txt"; ipmi sel info > "$tmp/sel.txt"
  ipmi user summary 1 > "$tmp/summary.txt"
  awk '$1 == 2 && $2 == "admin" && /ADMINISTRATOR/ {ok=1} END {exit !ok}' "$tmp/users.txt" || { cat "$tmp/users.txt"; echo "FAIL: admin lost"; exit 1; }
  ! grep -Eq "olduser|ops-bob" "$tmp/users.txt" || { echo "FAIL: old user names left"; exit 1; }
  for id in 1 3 4; do
    awk -v id=$id '$1 == id {print}' "$tmp/users.txt" | grep -Eq "false +NO ACCESS" || { echo "FAIL: user $id keeps access"; grep "^$id " "$tmp/users.txt"; exit 1; }
  done
  grep -Eq "^Enabled User Count +: 1$" "$tmp/summary.txt" || { cat "$tmp/summary.txt"; echo "FAIL: more than the kept user enabled"; exit 1; }
  grep -Eq "^IP Address Source +: DHCP Address" "$tmp/lan.txt" && grep -Eq "^IP Address +: 0.0.0.0" "$tmp/lan.txt" \
    && grep -Eq "^Default Gateway IP +: 0.0.0.0" "$tmp/lan.txt" || { cat "$tmp/lan.txt"; echo "FAIL: LAN not reset"; exit 1; }
  entries=$(awk -F: '/^Entries/ {gsub(/ /,"",$2); print $2}' "$tmp/sel.txt")
  [ "$entries" -le 1 ] || { echo "FAIL: SEL has $entries entries"; exit 1; }
  # The old password no longer opens the BMC.
  ! ipmitool -I lanplus -H 127.0.0.1 -p "$port" -U olduser -P Passw0rd-old -C 3 mc info >/dev/null 2>&1 \
    || { echo "FAIL: olduser can still log in"; exit 1; }
  echo "bmc-reset: users, LAN and SEL read back as the policy says"
  ;;
random)
  need_root_loops
  new_loop_with_data "$tmp/a.img" 8; a=$loop
  new_loop_with_data "$tmp/b.img" 8; b=$loop
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
  cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
  printf 'profile: quick\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/quick.yaml"
  seed=0x5eed0000c0ffee01
  wipe_with() {  # wipe_with DEVICE OUT PARAMS: the disk-wipe stage alone with these parameters
    printf 'profile: decommission\nstages:\n  - stage: disk-wipe\n    params: {%s}\n' "$3" \
      > "$tmp/configs/profiles/decommission.yaml"
    /usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/config.schema.json" \
      "$tmp/configs/profiles/decommission.yaml" >/dev/null || { echo "FAIL: the profile does not validate"; exit 1; }
    set +e
    "$runner" run --config "$tmp/configs" --profile decommission --decommission --i-know-this-wipes \
      --disk "$1" --fru-file "$fru" --out "$2" > "$2.stdout" 2>&1
    local rc=$?
    set -e
    cat "$2.stdout"
    [ "$rc" = 0 ] || { echo "FAIL: kiln-runner exited $rc"; exit 1; }
    /usr/bin/python3 "$src/tests/integration/validate_json.py" "$src/results-schema/certificate.schema.json" "$2/certificate.json"
  }
  wipe_with "$a" "$tmp/out-a" "pattern: random, random_seed: \"$seed\", verify: full"
  wipe_with "$b" "$tmp/out-b" "pattern: random, final_zero_pass: true, verify: sample, verify_percent: 10"
  # Independent of kiln: the device holds exactly SplitMix64(seed), 8 bytes per step, little-endian.
  /usr/bin/python3 - "$a" "$seed" "$marker" <<'PY'
import sys
dev, seed, marker = sys.argv[1], int(sys.argv[2], 16), sys.argv[3].encode()
M = (1 << 64) - 1
data = open(dev, "rb").read()
assert marker not in data, "the marker survived"
words = memoryview(data).cast("Q")  # little-endian host (x86)
z = seed
for i, w in enumerate(words):
    z = (z + 0x9E3779B97F4A7C15) & M
    x = z
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
    x ^= x >> 31
    if w != x:
        sys.exit(f"FAIL: {dev} differs from the splitmix64 stream of seed {seed:#x} at byte offset {8 * i}")
print(f"{dev}: {len(data)} bytes equal the splitmix64 stream of seed {seed:#018x} (regenerated in Python), no marker")
PY
  size=$(blockdev --getsize64 "$b")
  cmp -n "$size" "$b" /dev/zero || { echo "FAIL: $b is not all zeros after the final zero pass"; exit 1; }
  n=$({ grep -a -o "$marker" "$b" || true; } | wc -l)
  [ "$n" = 0 ] || { echo "FAIL: $b still holds $n markers"; exit 1; }
  /usr/bin/python3 - "$tmp/out-a/certificate.json" "$tmp/out-b/certificate.json" "$seed" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["certificate"]["disks"][0]
b = json.load(open(sys.argv[2]))["certificate"]["disks"][0]
seed = sys.argv[3]
assert a["result"] == "wiped" and a["method"] == "overwrite", a
assert a["overwrite_passes"] == [{"pattern": "random", "prng": "splitmix64", "seed": seed,
                                  "bytes": a["size_bytes"], "seconds": a["overwrite_passes"][0]["seconds"]}], a["overwrite_passes"]
assert a["verification"]["expected"] == f"random (splitmix64, seed {seed})", a["verification"]
assert a["verification"]["mode"] == "full" and a["verification"]["bytes_verified"] == a["size_bytes"], a["verification"]
assert [p["pattern"] for p in b["overwrite_passes"]] == ["random", "zeros"], b["overwrite_passes"]
assert b["overwrite_passes"][0]["seed"].startswith("0x") and "seed" not in b["overwrite_passes"][1]
assert b["overwrite_bytes"] == 2 * b["size_bytes"], b
assert b["verification"]["expected"] == "zeros" and b["verification"]["result"] == "PASS", b["verification"]
print("certificates: random pass with seed", seed, "verified in full; random + zero pass (seed",
      b["overwrite_passes"][0]["seed"] + ") verified as zeros")
PY
  echo "random: the seeded stream is on $a byte for byte, $b ends all zeros"
  ;;
*) echo "usage: $0 RUNNER SOURCE_DIR wipe|refusal|bmc|random"; exit 2 ;;
esac
