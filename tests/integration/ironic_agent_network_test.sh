#!/usr/bin/env bash
# IPA's burnin_network under kiln's agent: two nodes cleaned by a real Ironic
# 21.4 at once, each agent in its own network namespace on one bridge (Ironic
# in a third), pair by kiln's authenticated broadcast (no ZooKeeper) and run
# the network stage against each other: both nodes back to manageable, each
# report's network stage PASS with the other node as its partner. The step's
# duration and pairing window come from driver_info agent_burnin_fio_network_*.
#   ironic_agent_network_test.sh RUNNER SOURCE_DIR
set -euo pipefail
runner=$1; src=$2
it=$(cd "$(dirname "$0")" && pwd)
if [ -z "${KILN_AGENT_NET_INNER:-}" ]; then
  # shellcheck source=tests/integration/network_rig.sh
  . "$it/network_rig.sh"
  rig_require
  rig_up 3 "$(mktemp -d /tmp/kiln-agent-net.XXXXXX)"  # rig_down removes it all at exit
  # The test itself (Ironic and its API calls) runs in node 1's namespace.
  rc=0
  KILN_AGENT_NET_INNER=1 RIG_PREFIX=$RIG_PREFIX ip netns exec "$(rig_ns 1)" "$0" "$@" || rc=$?
  exit $rc
fi

# shellcheck source=tests/integration/network_rig.sh
. "$it/network_rig.sh"
# shellcheck source=tests/integration/ironic_agent_rig.sh
. "$it/ironic_agent_rig.sh"
rig_init kiln-agent-net-it
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/key"
agent_rig_configs "profile: burnin
stages:
  - stage: network
    params: {interfaces: [kt0], key_file: $tmp/key, min_nodes: 2, settle: 1s, peer_timeout: 3s}"
agent_rig_start_ironic "$RIG_SUBNET.1"
info='{"agent_burnin_fio_network_runtime": 3, "agent_burnin_fio_network_pairing_timeout": 90}'
declare -A uuid
for i in 2 3; do
  agent_rig_enrol "kiln-net-$i" "52:54:00:4b:01:0$i" "$info"
  uuid[$i]=$node
  sed "s/KILN-DEMO-0001/KILN-NET-0$i/" "$src/tests/data/fru-po-2026-0042.txt" > "$tmp/fru$i.txt"
done
for i in 2 3; do
  agent_rig_clean "${uuid[$i]}" '[{"interface":"deploy","step":"burnin_network"}]'
  AGENT_RIG_AGENT_NETNS=$(rig_ns $i) AGENT_RIG_LISTEN=$RIG_SUBNET.$i:0 \
    agent_rig_start_agent "agent$i" "52:54:00:4b:01:0$i" --fru-file "$tmp/fru$i.txt"
done
for i in 2 3; do
  node=${uuid[$i]}
  agent_rig_wait_settled 300
  state=$(node_field 'd["provision_state"]')
  echo "node $i: $state $(node_field 'd["last_error"] or ""')"
  [ "$state" = manageable ] || fail "node $i is $state: $(node_field 'd["last_error"]')"
  [ "$(node_field 'd["maintenance"]')" = False ] || fail "node $i in maintenance"
  report=$tmp/agent$i/burnin_network-1/report.json
  [ -s "$report" ] || fail "node $i wrote no report"
  python3 - "$report" "$RIG_SUBNET" "$i" <<'PY' || fail "node $i's report"
import json, sys
r = json.load(open(sys.argv[1])); subnet, me = sys.argv[2], sys.argv[3]
other = subnet + "." + ("3" if me == "2" else "2")
stages = {s["name"]: s for s in r["stages"]}
net = stages["network"]
assert r["verdict"] == "PASS" and net["verdict"] == "PASS", (r["verdict"], r["failures"])
assert net["params"]["duration"] == "3s" and net["params"]["window"] == "90s", net["params"]
# The partner, as the stage logs it (the stream next to the report).
stream = open(sys.argv[1].replace("report.json", "ocptv.jsonl")).read()
partner = "KILN-NET-0" + ("3" if me == "2" else "2")
assert partner in stream or other in stream, f"the partner ({partner}, {other}) is not in the stream"
tput = [m for m in net["measurements"] if m["name"].endswith("_gbps")]
assert tput, [m["name"] for m in net["measurements"]]
print(f"node {me}: network PASS with {other}; " + ", ".join(f'{m["name"]} {m["value"]:.3g}' for m in tput[:3]))
PY
done
echo "Ironic agent burnin_network passed"
