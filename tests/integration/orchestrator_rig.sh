# shellcheck shell=bash disable=SC2034,SC2154  # $bin comes from the test; the variables set here are for it
# orchestrator_rig.sh: what the integration tests that run the real kiln-orchestrator (and a real
# Ironic, fake-hardware, from ironic_fixture.sh) on 127.0.0.1 share. Sourced (bash, set -euo
# pipefail); expects $bin, the directory holding kiln-orchestrator and kilnctl.
#
#   rig_init PREFIX        $tmp (a new /tmp/PREFIX.XXXXXX), $OP (the operator token), $H (Ironic's
#                          API version header); an EXIT trap that runs the rig_on_exit commands,
#                          stops the orchestrator and Ironic, fails the test when a log under $tmp
#                          holds an ASan/LSan/UBSan report, and removes $tmp
#   rig_on_exit COMMAND    COMMAND (eval'd, failures ignored) runs on exit before the rest, the
#                          last one added first
#   fail MESSAGE           prints FAIL: MESSAGE and the orchestrator log's tail, exits 1
#   jget EXPR              EXPR (Python, d = the JSON on stdin)
#   rig_start_postgres     a throw-away PostgreSQL 15 (initdb in $tmp/pg, a unix socket in $tmp,
#                          stopped on exit): $pg_store, its libpq conninfo; exits 77 (SKIP)
#                          when PostgreSQL 15 is not installed
#   rig_start_ironic       $ironic_url; exits 77 (SKIP) when ironic-common is not installed
#   rig_ironic_auth        curl arguments (-u USER:PASSWORD, --cacert CA) every Ironic request here adds
#   rig_enrol_node NAME    $node: a fake-hardware node NAME, waited for until manageable
#   node_field EXPR        EXPR (Python, d = the node's JSON from Ironic)
#   wait_for SECONDS EXPR  until node_field EXPR is True, else the node's state and fail
#   rig_wait_deployed STATE  until the node is active with extra.kiln.state STATE
#   rig_write_config [--store URL] [--deploy-interface NAME] [--no-config-dir] [TOP-YAML [IRONIC-YAML]]
#                          $tmp/orchestrator.yaml: 127.0.0.1, port 0, the store (default SQLite in
#                          $tmp), $OP, config_dir $tmp/configs (unless --no-config-dir: the
#                          orchestrator resolves no node configs), TOP-YAML (top-level lines); with
#                          Ironic started an ironic: section (deploy_interface fake, 200 ms polls)
#                          ending with IRONIC-YAML (its lines, indented here)
#   start_orchestrator [PORT]  kiln-orchestrator on $tmp/orchestrator.yaml, its log appended to
#                          $tmp/orch.log: $orch_pid, $port, $url (http://127.0.0.1:PORT)
#   kilnctl ARGS...        kilnctl against $url with $OP
#   rig_kernel_params      the deployed node's kernel command line: $params (printed, token
#                          masked), $kurl, $ktoken, $knode (kiln.url, kiln.token, kiln.node)
#   rig_tls_certificates   (openssl) a throw-away CA $tmp/ca.pem, a server certificate for IP
#                          127.0.0.1 signed by it ($tmp/server.pem, .key) and an unrelated CA
#                          $tmp/wrong-ca.pem
#   rig_benchmark_report   $tmp/run/report.json: one real kiln-runner benchmark run (1 s boxes,
#                          limits.benchmark.min_score 1) as node of delivery PO-2026-0042, with
#                          its configs in $tmp/configs (profile summary); expects $src

rig_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
H='X-OpenStack-Ironic-API-Version: 1.82'
OP=kiln-it-operator-token-0123456789
tmp=""; orch_pid=""; ironic_url=""; rig_exit=()
rig_ironic_auth=()  # curl's -u USER:PASSWORD (auth_strategy = http_basic), --cacert CA (https)

rig_init() {  # PREFIX
  tmp=$(mktemp -d "/tmp/$1.XXXXXX")
  trap rig_cleanup EXIT
}
rig_on_exit() { rig_exit+=("$1"); }
rig_cleanup() {
  local rc=$? i reports
  for ((i = ${#rig_exit[@]} - 1; i >= 0; i--)); do eval "${rig_exit[$i]}" || true; done
  if [ -n "$orch_pid" ] && kill -TERM "$orch_pid" 2>/dev/null; then wait "$orch_pid" 2>/dev/null || true; fi
  "$rig_dir/ironic_fixture.sh" stop "$tmp/ironic" || true
  # Built with ASan + UBSan (make test-asan), a report in any log of the orchestrator or a
  # runner fails the test, also from a process whose exit status nobody waits for.
  reports=$(grep -rIlE 'ERROR: (Address|Leak)Sanitizer|: runtime error: ' "$tmp" 2>/dev/null || true)
  if [ -n "$reports" ]; then
    for i in $reports; do echo "FAIL: sanitizer report in $i:" >&2; grep -A30 -E 'Sanitizer|runtime error' "$i" | head -60 >&2; done
    rc=1
  fi
  if [ -n "${KILN_KEEP_TMP:-}" ]; then echo "kept $tmp (KILN_KEEP_TMP)" >&2; else rm -rf "$tmp"; fi
  exit $rc
}
fail() { echo "FAIL: $*" >&2; tail -n 30 "$tmp/orch.log" >&2 2>/dev/null || true; exit 1; }
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

rig_start_ironic() {
  local rc=0
  ironic_url=$("$rig_dir/ironic_fixture.sh" start "$tmp/ironic") || rc=$?
  [ $rc -ne 77 ] || { echo "SKIP: Ironic (ironic-common) is not installed"; exit 77; }
  [ $rc -eq 0 ] || fail "Ironic did not start"
}

rig_start_postgres() {
  pgbin=/usr/lib/postgresql/15/bin
  [ -x "$pgbin/initdb" ] || { echo "SKIP: PostgreSQL 15 is not installed (apt-get install postgresql)"; exit 77; }
  local pgport
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as=(); [ "$(id -u)" = 0 ] && { pg_as=(runuser -u postgres --); chown postgres: "$tmp"; }
  "${pg_as[@]}" "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres > "$tmp/initdb.log" 2>&1 || fail "initdb"
  "${pg_as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o "-p $pgport -k $tmp -c listen_addresses=''" start >/dev/null ||
    fail "pg_ctl start"
  rig_on_exit '"${pg_as[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1'
  pg_store="host=$tmp port=$pgport user=postgres dbname=postgres"
}

rig_enrol_node() {  # NAME
  node=$(curl -sf "${rig_ironic_auth[@]}" -H "$H" -H 'Content-Type: application/json' -d "{\"driver\":\"fake-hardware\",\"name\":\"$1\"}" \
    "$ironic_url/v1/nodes" | jget 'd["uuid"]')
  curl -sf "${rig_ironic_auth[@]}" -X PUT -H "$H" -H 'Content-Type: application/json' -d '{"target":"manage"}' \
    "$ironic_url/v1/nodes/$node/states/provision" >/dev/null
  wait_for 60 'd["provision_state"] == "manageable" and d["target_provision_state"] is None'
}
node_field() { curl -sf "${rig_ironic_auth[@]}" -H "$H" "$ironic_url/v1/nodes/$node" | jget "$1"; }
wait_for() {  # SECONDS PYTHON-EXPR-ON-NODE
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    [ "$(node_field "$2" 2>/dev/null || true)" = True ] && return 0
    sleep 0.5
  done
  curl -s "${rig_ironic_auth[@]}" -H "$H" "$ironic_url/v1/nodes/$node" | python3 -m json.tool |
    grep -E 'provision_state|maintenance|retired|extra|traits|last_error' >&2 || true
  fail "node never satisfied: $2"
}
rig_wait_deployed() {  # KILN-STATE (burning-in, decommissioning)
  wait_for 60 'd["provision_state"] == "active" and d["target_provision_state"] is None and d["extra"].get("kiln", {}).get("state") == "'"$1"'"'
}

rig_write_config() {  # [--store URL] [--deploy-interface NAME] [--no-config-dir] [TOP-YAML [IRONIC-YAML]]
  local store="sqlite://$tmp/kiln.db" deploy_interface=fake config_dir=$tmp/configs
  while [ $# -gt 0 ]; do
    case $1 in
      --store) store=$2; shift 2 ;;
      --deploy-interface) deploy_interface=$2; shift 2 ;;
      --no-config-dir) config_dir=""; shift ;;
      *) break ;;
    esac
  done
  {
    printf 'listen: 127.0.0.1\nport: 0\nstore: "%s"\noperator_token: %s\n' "$store" "$OP"
    if [ -n "$config_dir" ]; then printf 'config_dir: %s\n' "$config_dir"; fi
    if [ -n "${1:-}" ]; then printf '%s\n' "$1"; fi
    if [ -n "$ironic_url" ]; then
      printf 'ironic:\n  url: %s\n  deploy_interface: %s\n' "$ironic_url" "$deploy_interface"
      printf '  kernel_url: http://127.0.0.1:9/kiln/vmlinuz\n  ramdisk_url: http://127.0.0.1:9/kiln/initramfs.zst\n'
      printf '  poll_interval_ms: 200\n  max_backoff_ms: 2000\n'
      if [ -n "${2:-}" ]; then sed 's/^/  /' <<< "$2"; fi
    fi
  } > "$tmp/orchestrator.yaml"
}

start_orchestrator() {  # [PORT]
  rm -f "$tmp/port"
  "$bin/kiln-orchestrator" --config "$tmp/orchestrator.yaml" --port-file "$tmp/port" ${1:+--port "$1"} \
    >> "$tmp/orch.log" 2>&1 &
  orch_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "kiln-orchestrator did not start"
  port=$(cat "$tmp/port")
  url=http://127.0.0.1:$port
}
kilnctl() { "$bin/kilnctl" --url "$url" --token "$OP" "$@"; }

kernel_arg() { tr ' ' '\n' <<< "$params" | sed -n "s/^kiln\.$1=//p"; }
rig_kernel_params() {
  params=$(node_field 'd["instance_info"]["kernel_append_params"]')
  echo "kernel command line: $(sed 's/kiln.token=[^ ]*/kiln.token=.../' <<< "$params")"
  kurl=$(kernel_arg url); ktoken=$(kernel_arg token); knode=$(kernel_arg node)
}

rig_tls_certificates() {
  rig_self_signed_ca ca "kiln test CA"
  rig_self_signed_ca wrong-ca "someone else's CA"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kiln-orchestrator" \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -days 2 -extfile "$tmp/ext.cnf" -out "$tmp/server.pem" 2>/dev/null
}
rig_self_signed_ca() {  # NAME COMMON-NAME: $tmp/NAME.pem, $tmp/NAME.key
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$2" -keyout "$tmp/$1.key" -out "$tmp/$1.pem" 2>/dev/null
}

rig_benchmark_report() {
  mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
  cp "$src/configs/hepbench-reference.yaml" "$tmp/configs/"
  printf 'delivery: PO-2026-0042\nprofile: summary\nlimits:\n  benchmark:\n    min_score: 1\n' \
    > "$tmp/configs/deliveries/po.yaml"
  printf 'profile: summary\nstages:\n  - stage: benchmark\n    params: {length: box=1s}\n' \
    > "$tmp/configs/profiles/summary.yaml"
  "$bin/kiln-runner" run --config "$tmp/configs" --profile summary \
    --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$tmp/run" > "$tmp/runner.log" 2>&1 ||
    { cat "$tmp/runner.log"; fail "kiln-runner run"; }
}
