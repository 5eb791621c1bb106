# Sourced by network_test.sh and bench/network/run.sh: N network namespaces
# (one kiln node each) on one Linux bridge living in its own namespace, a
# config dir whose profile runs only the network stage, one FRU per node.
# Names are prefixed kt<random> so parallel runs do not clash; rig_down
# (set as an EXIT trap by rig_up) removes everything, whatever happened.
#   rig_up N OUT_DIR      RIG_PREFIX, RIG_OUT are set
#   rig_config MIN_NODES "limits yaml lines" "extra stage params yaml lines"
#   rig_start_node I RUNNER   -> starts kiln-runner in node I's namespace (pid in RIG_PIDS[I])
#   rig_verdict I             -> PASS/FAIL/ERROR of node I's network stage

RIG_SUBNET=10.201.0

rig_ns() { echo "${RIG_PREFIX}n$1"; }

rig_down() {
  set +e  # cleanup goes on past any failure
  local pid ns
  for pid in "${RIG_PIDS[@]:-}"; do if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${RIG_PREFIX}" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  [ -n "${RIG_KEEP_OUT:-}" ] || rm -rf "${RIG_OUT:?}"
  return 0
}

rig_require() {
  if [ "$(id -u)" != 0 ]; then echo "SKIP: network namespaces need root"; exit 77; fi
  for tool in ip iperf3 ping python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
  done
}

rig_up() {
  local n=$1 i
  RIG_PREFIX="kt$(printf '%04x' $((RANDOM % 65536)))"
  RIG_OUT=$2
  RIG_PIDS=()
  trap rig_down EXIT
  trap 'exit 130' INT TERM
  local sw; sw="${RIG_PREFIX}sw"
  ip netns add "$sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for i in $(seq 1 "$n"); do rig_add_node "$i"; done
}

rig_add_node() {
  local i=$1 ns; ns=$(rig_ns "$1")
  ip netns add "$ns"
  ip link add "${RIG_PREFIX}e$i" netns "$ns" type veth peer name "${RIG_PREFIX}p$i" netns "${RIG_PREFIX}sw"
  ip -n "${RIG_PREFIX}sw" link set "${RIG_PREFIX}p$i" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "${RIG_PREFIX}e$i" name kt0
  ip -n "$ns" addr add "$RIG_SUBNET.$i/24" brd + dev kt0
  ip -n "$ns" link set kt0 up
}

# rig_config MIN_NODES LIMITS_YAML PARAMS_YAML
rig_config() {
  local cfg="$RIG_OUT/configs"
  mkdir -p "$cfg/profiles" "$cfg/deliveries"
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RIG_OUT/key"
  cat > "$cfg/profiles/net.yaml" <<YAML
profile: net
stages:
  - stage: network
    params:
      interfaces: [kt0]
      key_file: $RIG_OUT/key
      min_nodes: $1
      window: 60s
      settle: 1s
      peer_timeout: 3s
      duration: ${RIG_DURATION:-2s}
$3
YAML
  cat > "$cfg/deliveries/po-net.yaml" <<YAML
delivery: PO-NET-TEST
description: network stage integration test
profile: net
limits:
  network:
$2
YAML
  cp "$cfg/deliveries/po-net.yaml" "$cfg/deliveries/default.yaml"
  sed -i 's/^delivery: .*/delivery: default/' "$cfg/deliveries/default.yaml"
}

rig_fru() {
  local i=$1 src=$2 f="$RIG_OUT/fru$1.txt"
  sed -e "s/KILN-DEMO-0001/KILN-NET-$(printf '%02d' "$i")/" -e "s/PO-2026-0042/PO-NET-TEST/" \
    "$src/tests/data/fru-po-2026-0042.txt" > "$f"
  echo "$f"
}

# rig_start_node I RUNNER SOURCE_DIR
rig_start_node() {
  local i=$1 fru; fru=$(rig_fru "$i" "$3")
  ip netns exec "$(rig_ns "$i")" "$2" run --config "$RIG_OUT/configs" --profile net --fru-file "$fru" \
    --out "$RIG_OUT/node$i" > "$RIG_OUT/node$i.log" 2>&1 &
  RIG_PIDS[$i]=$!
}

rig_verdict() {
  python3 - "$RIG_OUT/node$1/report.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("NO-REPORT"); sys.exit(0)
s = [s for s in r["stages"] if s["name"] == "network"]
print(s[0]["verdict"] if s else "NO-STAGE")
PY
}
