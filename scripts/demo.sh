#!/usr/bin/env bash
# make demo: burn in this machine the way kiln does it on a delivered server.
#  1. an OpenIPMI ipmi_sim BMC on 127.0.0.1 whose FRU says "asset tag PO-2026-0042,
#     serial KILN-DEMO-0001" (the example delivery in configs/deliveries/),
#  2. two loop-device "disks" (root only) for the disk stages,
#  3. kiln-runner reads the FRU over IPMI LAN, resolves the delivery's config and
#     runs the quick profile, then prints the verdict table and where the report is.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runner=$top/build/bin/kiln-runner
out=${KILN_DEMO_OUT:-$top/demo-out}
work=$(mktemp -d /tmp/kiln-demo.XXXXXX)
loops=()

cleanup() {
  "$top/scripts/bmc-sim.sh" stop "$work/bmc" || true
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

port=$(( 20000 + RANDOM % 20000 ))
echo "== simulated BMC: ipmi_sim on 127.0.0.1:$port (FRU asset tag PO-2026-0042, serial KILN-DEMO-0001)"
"$top/scripts/bmc-sim.sh" start "$work/bmc" "$port" KILN-DEMO-0001 PO-2026-0042 >/dev/null

disk_args=()
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
  for i in 1 2; do
    truncate -s 256M "$work/disk$i.img"
    loop=$(losetup -f --show "$work/disk$i.img")
    loops+=("$loop")
    disk_args+=(--disk "$loop")
  done
  echo "== disks under test: ${loops[*]} (loop devices backed by files in $work)"
else
  echo "== not root: no loop devices, disk stages will be skipped"
fi

echo "== kiln-runner plan (what will run, from the FRU read over IPMI LAN)"
"$runner" plan --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw

echo "== kiln-runner run --profile quick"
rm -rf "$out"
set +e
"$runner" run --profile quick --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw \
  --i-know-this-wipes "${disk_args[@]}" --out "$out"
rc=$?
set -e
echo "== kiln-runner exited $rc (0 PASS, 1 FAIL, 2 ERROR); report and OCPTV stream kept in $out"
exit $rc
