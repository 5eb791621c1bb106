#!/usr/bin/env bash
# make demo: burn in this machine the way kiln does it for a delivered server
# that sits in OpenStack Ironic.
#  1. an OpenIPMI ipmi_sim BMC on 127.0.0.1 whose FRU says "asset tag PO-2026-0042,
#     serial KILN-DEMO-0001" (the example delivery in configs/deliveries/),
#  2. two loop-device "disks" (root only) for the disk stages,
#  3. a real Ironic (scripts/ironic.sh: ironic-common, fake-hardware, sqlite) and
#     kiln-orchestrator (SQLite store in demo-out/orchestrator/),
#  4. a fake-hardware node enrolled and made `manageable`; `kilnctl burnin start`;
#     the orchestrator deploys it through Ironic with kiln.url/kiln.node/kiln.token
#     on its kernel command line,
#  5. kiln-runner plays the booted ramdisk: reads those three from the node's
#     instance_info, reads the FRU over IPMI LAN, runs the quick profile and
#     streams everything to the orchestrator,
#  6. the end: the node's Ironic provision state, traits and extra.kiln, and
#     `kilnctl delivery show` (the delivery's batch analysis).
# Everything it started is stopped on exit, also on failure or Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KILN_BIN_DIR:-$top/build/bin}
out=${KILN_DEMO_OUT:-$top/demo-out}
work=$(mktemp -d /tmp/kiln-demo.XXXXXX)
loops=(); orch_pid=""; runner_pid=""
H='X-OpenStack-Ironic-API-Version: 1.82'
OP=kiln-demo-operator-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

cleanup() {
  [ -n "$runner_pid" ] && kill -TERM "$runner_pid" 2>/dev/null && wait "$runner_pid" 2>/dev/null
  [ -n "$orch_pid" ] && kill -TERM "$orch_pid" 2>/dev/null && wait "$orch_pid" 2>/dev/null
  "$top/scripts/ironic.sh" stop "$work/ironic" || true
  "$top/scripts/bmc-sim.sh" stop "$work/bmc" || true
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() {
  echo "make demo: error: $*" >&2
  for log in "$work/orchestrator.log" "$work/ironic/log/ironic.log"; do
    [ -s "$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
for tool in ironic curl python3; do
  command -v "$tool" >/dev/null || die "'$tool' is missing: run 'make deps' as root (Debian 12)"
done
rm -rf "$out"
mkdir -p "$out/orchestrator"

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

echo "== Ironic: starting ironic-common (fake-hardware, sqlite, noauth) in $work/ironic"
ironic_url=$("$top/scripts/ironic.sh" start "$work/ironic") || die "Ironic did not start"
echo "   $ironic_url (API microversion 1.82)"
ironic() { curl -sf -H "$H" -H 'Content-Type: application/json' "$@"; }

cat > "$work/orchestrator.yaml" <<YAML
listen: 127.0.0.1
port: 0
store: sqlite://$out/orchestrator/kiln.db
operator_token: $OP
config_dir: $top/configs
runner_timeout: 15m
ironic:
  url: $ironic_url
  deploy_interface: fake        # production: ramdisk (kiln's kernel + initramfs below)
  kernel_url: http://127.0.0.1:9/kiln/vmlinuz
  ramdisk_url: http://127.0.0.1:9/kiln/initramfs.zst
  poll_interval_ms: 250
  max_backoff_ms: 2000
YAML
"$bin/kiln-orchestrator" --config "$work/orchestrator.yaml" --port-file "$work/orch.port" \
  > "$work/orchestrator.log" 2>&1 &
orch_pid=$!
for _ in $(seq 100); do [ -s "$work/orch.port" ] && break; sleep 0.1; done
[ -s "$work/orch.port" ] || die "kiln-orchestrator did not start"
url=http://127.0.0.1:$(cat "$work/orch.port")
echo "== kiln-orchestrator on $url (store: $out/orchestrator/kiln.db)"
kilnctl() { "$bin/kilnctl" --url "$url" --token "$OP" "$@"; }

node=$(ironic -d '{"driver": "fake-hardware", "name": "kiln-demo-0001"}' "$ironic_url/v1/nodes" | jget 'd["uuid"]') ||
  die "enrolling a node failed"
ironic -X PUT -d '{"target": "manage"}' "$ironic_url/v1/nodes/$node/states/provision" >/dev/null
node_json() { ironic "$ironic_url/v1/nodes/$node"; }
wait_node() {  # SECONDS PYTHON-EXPR-ON-NODE
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(node_json | jget "$2" 2>/dev/null || true)" = True ] && return 0
    sleep 0.5
  done
  return 1
}
wait_node 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None' ||
  die "node $node never became manageable"
echo "== Ironic node $node enrolled (fake-hardware), provision state manageable"

echo "== kilnctl burnin start --node $node"
kilnctl burnin start --node "$node"
wait_node 90 'd["provision_state"] == "active" and d["target_provision_state"] is None and d["extra"].get("kiln", {}).get("state") == "burning-in"' ||
  die "the orchestrator did not deploy node $node (kilnctl run list: $(kilnctl run list))"
params=$(node_json | jget 'd["instance_info"]["kernel_append_params"]')
kernel_arg() { tr ' ' '\n' <<< "$params" | sed -n "s/^kiln\.$1=//p"; }
echo "   Ironic deployed it; kernel command line: $(sed 's/kiln.token=[^ ]*/kiln.token=<64 hex>/' <<< "$params")"

echo "== kiln-runner plan (what will run, from the FRU read over IPMI LAN)"
"$bin/kiln-runner" plan --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw

echo "== kiln-runner run --profile quick --orchestrator $(kernel_arg url) --node $(kernel_arg node) (as kiln's ramdisk would)"
set +e
"$bin/kiln-runner" run --profile quick --bmc "127.0.0.1:$port" --bmc-user admin --bmc-password kilnpw \
  "${disk_args[@]}" --out "$out" \
  --orchestrator "$(kernel_arg url)" --token "$(kernel_arg token)" --node "$(kernel_arg node)" &
runner_pid=$!
wait "$runner_pid"
rc=$?
runner_pid=""
set -e
echo "== kiln-runner exited $rc (0 PASS, 1 FAIL, 2 ERROR); report and OCPTV stream kept in $out"

echo "== waiting for the orchestrator to move the node in Ironic"
wait_node 120 'bool((d["provision_state"] == "available" and d["target_provision_state"] is None and d["extra"].get("kiln", {}).get("verdict")) or d["maintenance"])' ||
  die "node $node did not reach its end state"
echo
echo "== Ironic node $node"
node_json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("provision_state:   ", d["provision_state"])
print("maintenance:       ", d["maintenance"], ("(" + d["maintenance_reason"] + ")") if d["maintenance"] else "")
print("traits:            ", ", ".join(d["traits"]) or "-")
print("extra.kiln:")
print(json.dumps(d["extra"].get("kiln"), indent=2, sort_keys=True))
'
echo
echo "== kilnctl delivery show PO-2026-0042"
kilnctl delivery show PO-2026-0042
exit $rc
