#!/usr/bin/env bash
# The network stage for real: kiln-runner in N network namespaces on one
# bridge, broadcast discovery, pairing, iperf3 and ping between them.
#   network_test.sh RUNNER SOURCE_DIR CASE
# CASE: pairs2 | pairs3 | pairs5 | pairs16 (all paired and PASS), vanish (a
# node killed mid-test: its partner ends ERROR naming it, the others PASS),
# tbf (one link shaped below network.min_gbps FAILs, the other pair PASSes),
# foreign (a host sending unauthenticated/foreign/replayed announcements is
# ignored and counted), reference (the odd node tests an always-on iperf3
# server in round 1). Needs root; exit 77 (skip) otherwise.
set -euo pipefail
runner=$1; src=$2; case_name=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/network_rig.sh
. "$here/network_rig.sh"
rig_require

MIN_GBPS=${MIN_GBPS:-0.05}
check() {  # check I EXPECTED_VERDICT [python assertion on the network stage `s`]
  local v; v=$(rig_verdict "$1")
  if [ "$v" != "$2" ]; then
    echo "node $1: network stage is $v, expected $2"; cat "$RIG_OUT/node$1.log" | tail -30
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); s=[s for s in r['stages'] if s['name']=='network'][0]; print(json.dumps({k: s[k] for k in ('errors','diagnoses')}, indent=1))" "$RIG_OUT/node$1/report.json" 2>/dev/null || true
    exit 1
  fi
  if [ $# -ge 3 ]; then
    python3 - "$RIG_OUT/node$1/report.json" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = [s for s in r["stages"] if s["name"] == "network"][0]
m = {}
for x in s["measurements"]:
    m.setdefault(x["name"], []).append(x["value"])
errors = " | ".join(e["symptom"] + ": " + e["message"] for e in s["errors"])
fails = " | ".join(d["verdict"] + ": " + d["message"] for d in s["diagnoses"] if d["type"] == "FAIL")
assert eval(sys.argv[2]), f"{sys.argv[2]} is false: measurements={ {k: v for k, v in m.items()} } errors={errors} fails={fails}"
PY
  fi
  echo "node $1: $2 as expected"
}

all_tested='"tcp_tx_gbps" in m and "tcp_rx_gbps" in m and "bidir_tx_gbps" in m and "udp_tx_gbps" in m and "ping_rtt_avg_ms" in m'

run_all() {  # run_all N: start every node, wait for all
  local i
  for i in $(seq 1 "$1"); do rig_start_node "$i" "$runner" "$src"; done
  for i in $(seq 1 "$1"); do wait "${RIG_PIDS[$i]}" || true; done
}

out=$(mktemp -d /tmp/kiln-net-it.XXXXXX)
case $case_name in
  pairs*)
    n=${case_name#pairs}
    rig_up "$n" "$out"
    rig_config "$n" "    min_gbps: $MIN_GBPS" ""
    start=$(date +%s)
    run_all "$n"
    echo "$n nodes: $(( $(date +%s) - start )) s"
    for i in $(seq 1 "$n"); do check "$i" PASS "$all_tested and m['discovery_members'] == [$n]"; done ;;
  vanish)
    rig_up 4 "$out"
    RIG_DURATION=4s rig_config 4 "    min_gbps: $MIN_GBPS" "      tests: [tcp, tcp-reverse, bidir, tcp, tcp-reverse]"
    for i in 1 2 3 4; do rig_start_node "$i" "$runner" "$src"; done
    # Wait until node 4 is testing (its iperf3 runs), then kill everything in its namespace.
    for _ in $(seq 1 300); do
      ip netns pids "$(rig_ns 4)" | xargs -r ps -o comm= -p | grep -q iperf3 && break
      sleep 0.1
    done
    sleep 3
    for pid in $(ip netns pids "$(rig_ns 4)"); do kill -9 "$pid" 2>/dev/null || true; done
    ip -n "$(rig_ns 4)" link set kt0 down
    for i in 1 2 3; do wait "${RIG_PIDS[$i]}" || true; done
    check 1 PASS
    check 2 PASS
    check 3 ERROR "'KILN-NET-04' in errors and ('stopped announcing' in errors or 'gave up' in errors)" ;;
  tbf)
    rig_up 4 "$out"
    if ! ip -n "$(rig_ns 4)" link >/dev/null || ! tc -n "$(rig_ns 4)" qdisc add dev kt0 root tbf rate 20mbit burst 32kbit latency 50ms; then
      echo "SKIP: this kernel does not allow tc tbf in a namespace"; exit 77
    fi
    rig_config 4 "    min_gbps: 0.1" "      tests: [tcp, tcp-reverse, bidir]"
    run_all 4
    check 1 PASS
    check 2 PASS
    # Node 4 sends through the 20 Mbit/s shaper: both ends of that link see it.
    check 4 FAIL "min(m['tcp_tx_gbps']) < 0.05 and 'NIC kt0' in fails and 'KILN-NET-03' in fails"
    check 3 FAIL "min(m['tcp_rx_gbps']) < 0.05 and 'KILN-NET-04' in fails" ;;
  foreign)
    rig_up 3 "$out"
    rig_config 2 "    min_gbps: $MIN_GBPS" "      tests: [tcp, tcp-reverse]"
    # Node 3 is a foreign host: wrong key, other delivery, garbage, and replays of a real announcement.
    ip netns exec "$(rig_ns 3)" python3 - "$RIG_SUBNET.255" > "$out/foreign.log" 2>&1 <<'PY' &
import hashlib, hmac, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
def ann(node, delivery, key, seq):
    body = (f"KILN-NET/1\nnode={node}\ndelivery={delivery}\niface=kt0\naddr=10.201.0.3\nspeed=10000\n"
            f"state=searching\nview=\nround=0\ntest=0\nport=0\npartner=\nnonce=feed\nseq={seq}\ntime={int(time.time()*1000)}\n")
    return (body + "hmac=" + hmac.new(key, body.encode(), hashlib.sha256).hexdigest() + "\n").encode()
listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listen.bind(("", 5399))
listen.setblocking(False)
captured = None  # a real announcement of node 1, replayed as is
end = time.time() + 40
seq = 0
while time.time() < end:
    seq += 1
    try:
        while True:
            d, _ = listen.recvfrom(2048)
            if captured is None and b"node=KILN-NET-01\n" in d:
                captured = d
    except BlockingIOError:
        pass
    out = [ann("INTRUDER", "PO-NET-TEST", b"guessed", seq), b"\x00\xffgarbage", b"KILN-NET/9\nnode=x\n"]
    if captured:
        out.append(captured)
    for d in out:
        s.sendto(d, (sys.argv[1], 5399))
    time.sleep(0.2)
PY
    RIG_PIDS[3]=$!
    rig_start_node 1 "$runner" "$src"; rig_start_node 2 "$runner" "$src"
    wait "${RIG_PIDS[1]}" || true; wait "${RIG_PIDS[2]}" || true
    for i in 1 2; do
      check "$i" PASS "m['discovery_dropped_unauthenticated'][0] > 0 and m['discovery_dropped_malformed'][0] > 0 and m['discovery_dropped_unknown_version'][0] > 0 and m['discovery_members'] == [2]"
    done
    check 2 PASS "m['discovery_dropped_replayed'][0] > 0" ;;
  reference)
    # 3 nodes and an always-on iperf3 server (namespace 4): the odd node tests against it in round 1.
    rig_up 4 "$out"
    rig_config 3 "    min_gbps: $MIN_GBPS" "      tests: [tcp, tcp-reverse]
      reference: $RIG_SUBNET.4:5201"
    ip netns exec "$(rig_ns 4)" iperf3 -s -p 5201 > "$out/reference.log" 2>&1 &
    RIG_PIDS[4]=$!
    start=$(date +%s)
    for i in 1 2 3; do rig_start_node "$i" "$runner" "$src"; done
    for i in 1 2 3; do wait "${RIG_PIDS[$i]}" || true; done
    echo "3 nodes + reference: $(( $(date +%s) - start )) s"
    for i in 1 2 3; do check "$i" PASS "'tcp_tx_gbps' in m and 'tcp_rx_gbps' in m"; done ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
echo "network $case_name: passed"
