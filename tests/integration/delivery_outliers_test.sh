#!/usr/bin/env bash
# A delivery of six nodes whose reports the real kiln-runner made, posted
# through the real orchestrator; `kilnctl delivery show` names the slow part.
#   disk: each node measures its own loop device (a distinct backing file, so
#         a distinct serial) with disk-perf, every disk read-throttled through
#         the block cgroup to the same rate, node 6's to a quarter of it: node
#         6, and only it, is an outlier naming its disk's serial; the six disks
#         form one batch ("disk model loop device") although every serial differs.
#   nic:  six network namespaces (distinct MACs) run the network stage, every
#         link shaped with tc tbf to 200 Mbit/s, node 6's to 40: node 6 is an
#         outlier on its transmit, naming its NIC by MAC; only it and the
#         partner that received from it lag their batch ("NIC 10000 Mb/s").
#   delivery_outliers_test.sh BIN_DIR SOURCE_DIR disk|nic   (root)
set -euo pipefail
bin=$1; src=$2; case_name=${3:-disk}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$here/orchestrator_rig.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: loop devices, cgroups and namespaces need root"; exit 77; }
for tool in curl python3; do command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }; done
rig_init kiln-outliers-it

post_node() {  # post_node I ASSET_TAG RUN_DIR: a burn-in, register, the node's own report (RUN_DIR/report.json)
  python3 "$src/tests/integration/kiln_feed.py" "$url" "$OP" "$3" "node-$1" "KILN-DLV-000$1" "$2" \
    --report-only > /dev/null
}

if [ "$case_name" = nic ]; then
  # shellcheck source=tests/integration/network_rig.sh
  . "$here/network_rig.sh"
  rig_require
  command -v tc >/dev/null || { echo "SKIP: tc missing"; exit 77; }
  rig_up 6 "$tmp/net"
  trap 'rig_down; rig_cleanup' EXIT  # the namespaces, then the orchestrator and $tmp
  for i in 1 2 3 4 5 6; do
    rate=200mbit; [ "$i" = 6 ] && rate=40mbit
    tc -n "$(rig_ns "$i")" qdisc add dev kt0 root tbf rate $rate burst 64kbit latency 100ms ||
      { echo "SKIP: this kernel does not allow tc tbf in a namespace"; exit 77; }
  done
  RIG_DURATION=3s rig_config 6 "    min_gbps: 0.001" "      tests: [tcp, tcp-reverse]"
  for i in 1 2 3 4 5 6; do rig_start_node "$i" "$bin/kiln-runner" "$src"; done
  for i in 1 2 3 4 5 6; do wait "${RIG_PIDS[$i]}" || true; done
  for i in 1 2 3 4 5 6; do
    [ "$(rig_verdict "$i")" = PASS ] || { tail -30 "$RIG_OUT/node$i.log"; fail "node $i: network stage $(rig_verdict "$i")"; }
  done
  mac6=$(ip -n "$(rig_ns 6)" -j link show kt0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
  # A quarter slower than the batch is what this delivery calls an outlier: the shared
  # test machine's noise stays well below it.
  rig_write_config --no-config-dir "outlier_min_deviation_percent: 25"
  start_orchestrator
  for i in 1 2 3 4 5 6; do post_node "$i" PO-NET-TEST "$RIG_OUT/node$i"; done
  kilnctl delivery show PO-NET-TEST | tee "$tmp/show.txt"
  grep -Eq "^node node-6 \(KILN-DLV-0006\): iperf3 TCP throughput of NIC kt0 \(MAC $mac6, PCI none\) [0-9.]+ Gbit/s is [0-9.]+ % below the batch median" "$tmp/show.txt" ||
    fail "node 6's shaped NIC is not named by its MAC"
  kilnctl -f json delivery show PO-NET-TEST > "$tmp/show.json"
  python3 - "$tmp/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"]
tx = [o for o in d["outliers"] if o["figure"] == "network.tcp_tx_gbps[NIC 10000 Mb/s]"]
assert [o["node"] for o in tx] == ["node-6"], d["outliers"]
# Only node 6 and the partner that received from it lag: one link is slow, not the batch.
assert len({o["node"] for o in d["outliers"]}) <= 2, d["outliers"]
print(f"outliers: {sorted((o['node'], o['figure']) for o in d['outliers'])}")
PY
  echo "delivery outliers (nic) passed"
  exit 0
fi

for tool in fio losetup; do command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }; done

# The block throttle: cgroup v2 io.max where the io controller is enabled, else v1 blkio.
cg=""; cg_kind=""
if grep -qw io /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  cg_kind=v2; cg_root=/sys/fs/cgroup
elif [ -w /sys/fs/cgroup/blkio/cgroup.procs ]; then
  cg_kind=v1; cg_root=/sys/fs/cgroup/blkio
else
  echo "SKIP: no block I/O cgroup controller (cgroup v2 io or v1 blkio) to throttle with"; exit 77
fi
throttle() {  # throttle NAME MAJ:MIN BYTES_PER_S IOPS -> $cg_root/NAME
  local dir="$cg_root/$1"
  mkdir -p "$dir"; rig_on_exit "rmdir '$dir'"
  if [ "$cg_kind" = v2 ]; then
    grep -qw io "$cg_root/cgroup.subtree_control" || echo +io > "$cg_root/cgroup.subtree_control"
    echo "$2 rbps=$3 riops=$4" > "$dir/io.max"
  else
    echo "$2 $3" > "$dir/blkio.throttle.read_bps_device"
    echo "$2 $4" > "$dir/blkio.throttle.read_iops_device"
  fi
}

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries" "$tmp/disks"
printf 'delivery: PO-2026-0042\nprofile: perf\nlimits: {}\n' > "$tmp/configs/deliveries/po.yaml"
printf 'profile: perf\nstages:\n  - stage: disk-perf\n    params: {runtime: 2s}\n' \
  > "$tmp/configs/profiles/perf.yaml"

for i in 1 2 3 4 5 6; do
  serial="KILN-LOOP-000$i"
  truncate -s 256M "$tmp/disks/$serial"
  loop=$(losetup -f --show "$tmp/disks/$serial") || { echo "SKIP: cannot create loop devices"; exit 77; }
  rig_on_exit "losetup -d $loop"
  majmin=$(lsblk -dno MAJ:MIN "$loop" | tr -d ' ')
  if [ "$i" = 6 ]; then throttle "kiln-it-node$i" "$majmin" 10485760 250
  else throttle "kiln-it-node$i" "$majmin" 41943040 1000; fi
  sed -e "s/KILN-DEMO-0001/KILN-DLV-000$i/" "$src/tests/data/fru-po-2026-0042.txt" > "$tmp/fru$i.txt"
  # The runner (and the fio it starts) in the node's cgroup: its reads are throttled.
  sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$cg_root/kiln-it-node$i" \
    "$bin/kiln-runner" run --config "$tmp/configs" --profile perf --disk "$loop" \
    --fru-file "$tmp/fru$i.txt" --out "$tmp/node$i" > "$tmp/node$i.log" 2>&1 ||
    { cat "$tmp/node$i.log"; fail "kiln-runner on node $i"; }
done

# What the runner sent: the disk's identity as hardwareInfo, in the report and the OCPTV stream.
python3 - "$tmp/node6" "$src" <<'PY'
import json, sys
out, src = sys.argv[1], sys.argv[2]
report = json.load(open(f"{out}/report.json"))
m = next(m for s in report["stages"] for m in s["measurements"] if m["name"] == "seq_read_bandwidth")
assert m["hardware"]["serialNumber"] == "KILN-LOOP-0006", m
assert m["hardware"]["partNumber"] == "loop device", m
assert m["component"].startswith("disk KILN-LOOP-0006 (/dev/loop"), m
PY
stream="$tmp/node6/ocptv.jsonl"
python3 - "$stream" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
dut = lines[1]["testRunArtifact"]["testRunStart"]["dutInfo"]
ids = {h["hardwareInfoId"]: h for h in dut.get("hardwareInfos", [])}
disk = [h for h in ids.values() if h.get("serialNumber") == "KILN-LOOP-0006"]
assert disk and disk[0]["partType"] == "disk", dut
# Every figure of the disk (the preliminary stage's FRU fields name no part).
refs = [l["testStepArtifact"]["measurement"].get("hardwareInfoId") for l in lines
        if l.get("testStepArtifact", {}).get("measurement", {}).get("subcomponent", {})
        .get("name", "").startswith("disk ")]
assert refs and all(r == disk[0]["hardwareInfoId"] for r in refs), refs
PY
[ ! -d "$src/../shared/ocp-diag-schema" ] ||
  /usr/bin/python3 "$src/tests/integration/validate_ocptv.py" "$stream" "$src/../shared/ocp-diag-schema"

rig_write_config --no-config-dir "outlier_min_deviation_percent: 25"
start_orchestrator
for i in 1 2 3 4 5 6; do post_node "$i" PO-2026-0042 "$tmp/node$i"; done
kilnctl delivery show PO-2026-0042 | tee "$tmp/show.txt"
grep -Eq "^node node-6 \(KILN-DLV-0006\): fio seq_read bandwidth of disk KILN-LOOP-0006 \(/dev/loop[0-9]+\) [0-9.]+ MB/s is 7[0-9]\.[0-9] % below the batch median" "$tmp/show.txt" ||
  fail "node 6's slow disk is not named by its serial"
kilnctl -f json delivery show PO-2026-0042 > "$tmp/show.json"
python3 - "$tmp/show.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["summary"]
assert {o["node"] for o in d["outliers"]} == {"node-6"}, d["outliers"]
bw = next(f for f in d["figures"] if f["key"] == "disk-perf.seq_read_bandwidth[disk model loop device]")
assert bw["nodes"] == 6 and bw["outlier_verdict"] == "judged", bw
print(f"outliers: {sorted(o['figure'] for o in d['outliers'])}")
PY
echo "delivery outliers (disk) passed ($cg_kind block throttle)"
