#!/usr/bin/env bash
# The FRU read over IPMI LAN from a real ipmi_sim selects the delivery; a BMC
# whose FRU has no asset tag makes the preliminary check FAIL with a clear
# diagnosis.   bmc_test.sh RUNNER SOURCE_DIR
set -euo pipefail
runner=$1; src=$2
command -v ipmi_sim >/dev/null || { echo "SKIP: ipmi_sim not installed (make deps installs openipmi)"; exit 77; }
tmp=$(mktemp -d /tmp/kiln-bmc.XXXXXX)
trap '"$src/scripts/bmc-sim.sh" stop "$tmp/a"; "$src/scripts/bmc-sim.sh" stop "$tmp/b"; rm -rf "$tmp"' EXIT
port_a=$(( 20000 + RANDOM % 10000 )); port_b=$(( port_a + 1 ))
"$src/scripts/bmc-sim.sh" start "$tmp/a" "$port_a" KILN-IT-0007 PO-2026-0042 >/dev/null
"$src/scripts/bmc-sim.sh" start "$tmp/b" "$port_b" KILN-IT-0008 "" >/dev/null
bmc() { echo --bmc "127.0.0.1:$1" --bmc-user admin --bmc-password kilnpw; }
# The default delivery runs the standard profile (hours): give the no-asset-tag
# node a config whose default profile only takes inventory.
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
printf 'profile: standard\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/standard.yaml"
cp "$src/configs/deliveries/default.yaml" "$tmp/configs/deliveries/"

"$runner" fru $(bmc "$port_a") | tee "$tmp/fru.txt"
grep -q "Product Asset Tag : PO-2026-0042" "$tmp/fru.txt"
grep -q "Product Serial    : KILN-IT-0007" "$tmp/fru.txt"
"$runner" plan $(bmc "$port_a") | tee "$tmp/plan.txt"
grep -q "^delivery:   PO-2026-0042$" "$tmp/plan.txt"

set +e
"$runner" run --config "$tmp/configs" $(bmc "$port_b") --out "$tmp/run-b" > "$tmp/run-b.txt" 2>&1
rc=$?
set -e
cat "$tmp/run-b.txt"
[ "$rc" = 1 ] || { echo "FAIL: a node without asset tag must exit 1 (FAIL), got $rc"; exit 1; }
/usr/bin/python3 - "$tmp/run-b/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "FAIL", r["verdict"]
assert r["delivery"]["matched"] is False and r["delivery"]["tag"] == "default", r["delivery"]
pre = r["stages"][0]
assert pre["name"] == "preliminary" and pre["verdict"] == "FAIL", pre
assert any(d["verdict"] == "KILN-FRU-ASSET-TAG-MISSING" for d in pre["diagnoses"]), pre["diagnoses"]
print("no-asset-tag node FAILs its preliminary check:", r["failures"][0])
PY

# A BMC that does not answer is an ERROR naming the address, not a hang.
set +e
timeout 120 "$runner" fru --bmc 127.0.0.1:9 --bmc-user admin --bmc-password x > "$tmp/dead.txt" 2>&1
rc=$?
set -e
cat "$tmp/dead.txt"
[ "$rc" = 2 ] && grep -q -- "-H 127.0.0.1 -p 9 .*-P \*\*\*\*" "$tmp/dead.txt"
echo "bmc integration passed"
