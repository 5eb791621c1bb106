#!/usr/bin/env bash
# The cpu stage samples a real BMC (ipmi_sim over IPMI LAN) while stress-ng
# runs: a healthy BMC PASSes, a dead fan FAILs naming FAN2.
#   bmc_sensors_test.sh RUNNER SOURCE_DIR
set -euo pipefail
runner=$1; src=$2
command -v ipmi_sim >/dev/null || { echo "SKIP: ipmi_sim not installed (make deps installs openipmi)"; exit 77; }
tmp=$(mktemp -d /tmp/kiln-sens.XXXXXX)
trap '"$src/scripts/bmc-sim.sh" stop "$tmp/ok"; "$src/scripts/bmc-sim.sh" stop "$tmp/dead"; rm -rf "$tmp"' EXIT
port=$(( 30000 + RANDOM % 10000 ))
"$src/scripts/bmc-sim.sh" start "$tmp/ok" "$port" KILN-IT-0011 PO-2026-0042 >/dev/null
"$src/scripts/bmc-sim.sh" start "$tmp/dead" "$((port + 1))" KILN-IT-0012 PO-2026-0042 --dead-fan >/dev/null
mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
cat > "$tmp/configs/profiles/quick.yaml" <<'YAML'
profile: quick
stages:
  - stage: cpu
    params: {duration: 4s, methods: [int64], sample_interval: 1s, require_bmc: true}
YAML
run() {  # run PORT OUT -> exit code
  set +e
  "$runner" run --config "$tmp/configs" --bmc "127.0.0.1:$1" --bmc-user admin --bmc-password kilnpw \
    --out "$2" > "$2.txt" 2>&1
  local rc=$?
  set -e
  cat "$2.txt"
  return $rc
}
run "$port" "$tmp/run-ok" || { echo "FAIL: healthy BMC must PASS"; exit 1; }
rc=0; run "$((port + 1))" "$tmp/run-dead" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: a dead fan must FAIL the run (exit 1), got $rc"; exit 1; }
/usr/bin/python3 - "$tmp/run-dead/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cpu = next(s for s in r["stages"] if s["name"] == "cpu")
assert cpu["verdict"] == "FAIL", cpu["verdict"]
fails = [d for d in cpu["diagnoses"] if d["type"] == "FAIL"]
assert any("FAN2" in (d["message"] + d["component"]) for d in fails), fails
print("dead fan diagnosed:", [d["message"] for d in fails if "FAN2" in d["message"] + d["component"]][0])
PY
echo "bmc sensor integration passed"
