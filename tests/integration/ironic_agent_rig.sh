# shellcheck shell=bash
# Sourced by ironic_agent_test.sh and bench/ironic_steps/run.sh: a real Ironic
# 21.4 (fake-hardware) with the `direct` deploy interface on a fixed port
# named in [service_catalog] endpoint_override (without it a clean fails at
# once: "Couldn't get the URL of the Ironic API service"), short heartbeat and
# clean-wait timeouts, ramdisk logs kept in a local folder; nodes with one
# port each; kiln-runner agent playing the deploy ramdisk on 127.0.0.1.
# Uses orchestrator_rig.sh's rig_init, wait_for, node_field, jget.
agent_rig_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/integration/orchestrator_rig.sh
. "$agent_rig_dir/orchestrator_rig.sh"
J='Content-Type: application/json'
agent_pids=()

fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$tmp"/agent*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 25 "$f" >&2; }; done
  grep -E ' ERROR | WARNING ironic' "$tmp/ironic/log/ironic.log" 2>/dev/null | grep -v "Lookup is not allowed" |
    tail -n 15 >&2 || true
  echo "FAIL: $*" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# agent_rig_start_ironic [HOST_IP]: Ironic for agent tests. With
# AGENT_RIG_BASIC_AUTH=USER:PASSWORD Ironic runs with auth_strategy = http_basic
# (an htpasswd file with the password's bcrypt hash, made with python3-bcrypt,
# Ironic's own dependency) and every request of the rig sends it.
# With AGENT_RIG_KEYSTONE=1 Ironic runs with auth_strategy = keystone against
# keystone_rig.sh's Keystone and the rig's requests send kiln's token.
# With AGENT_RIG_TLS=1 Ironic serves https ([api] enable_ssl_api) with a
# certificate for 127.0.0.1 from a throw-away CA ($tmp/ca.pem; rig_tls_certificates),
# and the rig's requests trust that CA.
# With AGENT_RIG_REQUIRE_TLS=1 Ironic refuses plain-http agent callbacks ([agent] require_tls)
# and keeps the agents' certificates (agent_verify_ca) in $tmp/ironic-certs.
agent_rig_start_ironic() {
  local host=${1:-127.0.0.1} port auth_conf="" tls_conf="" scheme=http
  port=$(free_port)
  if [ -n "${AGENT_RIG_TLS:-}" ]; then
    rig_tls_certificates
    scheme=https
    tls_conf=$(printf 'enable_ssl_api = true\n[ssl]\ncert_file = %s\nkey_file = %s' "$tmp/server.pem" "$tmp/server.key")
    rig_ironic_auth+=(--cacert "$tmp/ca.pem")
    export KILN_IRONIC_PROBE_CA=$tmp/ca.pem
  fi
  mkdir -p "$tmp/deploy-logs"
  if [ -n "${AGENT_RIG_BASIC_AUTH:-}" ]; then
    /usr/bin/python3 - "$AGENT_RIG_BASIC_AUTH" "$tmp/htpasswd" <<'PY' || fail "cannot write the htpasswd file (python3-bcrypt)"
import bcrypt, sys
user, password = sys.argv[1].split(":", 1)
open(sys.argv[2], "w").write(user + ":" + bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode() + "\n")
PY
    auth_conf=$(printf 'auth_strategy = http_basic\nhttp_basic_auth_user_file = %s' "$tmp/htpasswd")
    rig_ironic_auth+=(-u "$AGENT_RIG_BASIC_AUTH")
    export KILN_IRONIC_PROBE_AUTH=$AGENT_RIG_BASIC_AUTH
  fi
  if [ -n "${AGENT_RIG_KEYSTONE:-}" ]; then  # keystone_rig.sh: Keystone started, keystone_rig_setup done
    auth_conf=$(keystone_rig_ironic_conf)
    rig_ironic_auth+=(-H "X-Auth-Token: $keystone_kiln_token")
    export KILN_IRONIC_PROBE_TOKEN=$keystone_kiln_token
  fi
  cat > "$tmp/ironic-agent.conf" <<CONF
[DEFAULT]
enabled_deploy_interfaces = fake,ramdisk,direct,custom-agent
$auth_conf
[api]
host_ip = $host
ramdisk_heartbeat_timeout = 10
$tls_conf
[service_catalog]
endpoint_override = $scheme://$host:$port
[conductor]
clean_callback_timeout = ${AGENT_RIG_CLEAN_TIMEOUT:-40}
check_provision_state_interval = 3
[agent]
deploy_logs_collect = always
deploy_logs_storage_backend = local
deploy_logs_local_path = $tmp/deploy-logs
${AGENT_RIG_REQUIRE_TLS:+require_tls = true}
certificates_path = $tmp/ironic-certs
# A deployment's tear_down_agent waits for the soft power-off the fake power never shows.
post_deploy_get_power_state_retries = 1
post_deploy_get_power_state_retry_interval = 1
CONF
  export KILN_IRONIC_PORT=$port KILN_IRONIC_EXTRA_CONF=$tmp/ironic-agent.conf
  local rc=0
  ironic_url=$(${AGENT_RIG_NETNS:+ip netns exec "$AGENT_RIG_NETNS"} "$agent_rig_dir/ironic_fixture.sh" start "$tmp/ironic") || rc=$?
  [ $rc -ne 77 ] || { echo "SKIP: Ironic (ironic-common) is not installed"; exit 77; }
  [ $rc -eq 0 ] || fail "Ironic did not start"
  [ "$ironic_url" = "$scheme://$host:$port" ] || fail "Ironic is at $ironic_url, not $scheme on the fixed port $port"
}

ironic() {  # METHOD PATH [JSON]
  curl -sf "${rig_ironic_auth[@]}" -X "$1" -H "$H" -H "$J" ${3:+-d "$3"} "$ironic_url$2"
}

# agent_rig_enrol NAME MAC [DRIVER_INFO_JSON] -> $node (deploy interface $AGENT_RIG_DEPLOY_INTERFACE, else direct)
agent_rig_enrol() {
  node=$(ironic POST /v1/nodes "{\"driver\":\"fake-hardware\",\"name\":\"$1\",\"deploy_interface\":\"${AGENT_RIG_DEPLOY_INTERFACE:-direct}\",\"driver_info\":${3:-{\}}}" |
    jget 'd["uuid"]') || fail "enrol $1"
  ironic POST /v1/ports "{\"node_uuid\":\"$node\",\"address\":\"$2\"}" >/dev/null || fail "port $2"
  ironic PUT "/v1/nodes/$node/states/provision" '{"target":"manage"}' >/dev/null
  wait_for 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
}

# agent_rig_clean NODE STEPS_JSON: a manual cleaning.
agent_rig_clean() {
  curl -s "${rig_ironic_auth[@]}" -o "$tmp/clean.out" -w '%{http_code}' -X PUT -H "$H" -H "$J" \
    -d "{\"target\":\"clean\",\"clean_steps\":$2}" "$ironic_url/v1/nodes/$1/states/provision" > "$tmp/clean.code"
  [ "$(cat "$tmp/clean.code")" = 202 ] || fail "clean refused: $(cat "$tmp/clean.out")"
}

# agent_rig_wait_settled SECONDS: until the node is manageable or clean failed
# (whose target_provision_state stays "manageable").
agent_rig_wait_settled() {
  wait_for "$1" '(d["provision_state"] == "manageable" and d["target_provision_state"] is None) or d["provision_state"] == "clean failed"'
}

# agent_rig_start_agent NAME MAC [ARGS...]: kiln-runner agent (pid in $agent_pid).
agent_rig_start_agent() {
  local name=$1 mac=$2
  shift 2
  ${AGENT_RIG_AGENT_NETNS:+ip netns exec "$AGENT_RIG_AGENT_NETNS"} "$runner" agent --api-url "$ironic_url" \
    --mac "$mac" --listen "${AGENT_RIG_LISTEN:-127.0.0.1:0}" --config "$tmp/configs" --out "$tmp/$name" \
    "$@" > "$tmp/$name.log" 2>&1 &
  agent_pid=$!
  agent_pids+=("$agent_pid")
  rig_on_exit "kill $agent_pid 2>/dev/null; wait $agent_pid 2>/dev/null"
}

# The agent API's URL, from the agent's first log line.
agent_rig_callback() {  # NAME
  local url=""
  for _ in $(seq 50); do
    url=$(sed -n 's/.*, callback \(http[^,]*\), Ironic.*/\1/p' "$tmp/$1.log" 2>/dev/null | head -n 1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || fail "agent $1 did not start"
  echo "$url"
}

agent_rig_configs() {  # PROFILE-YAML [DELIVERY-EXTRA-YAML]
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
  printf 'delivery: PO-2026-0042\nprofile: burnin\n%s\n' "${2:-}" > "$tmp/configs/deliveries/po.yaml"
  printf '%s\n' "$1" > "$tmp/configs/profiles/burnin.yaml"
}
