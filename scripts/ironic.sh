#!/usr/bin/env bash
# ironic.sh start DIR | stop DIR
# A throw-away OpenStack Ironic (Debian ironic-common, Ironic 21.4): API and
# conductor in one `ironic` process, noauth, sqlite, fake-hardware only, on
# 127.0.0.1 with a kernel-chosen port (port 0: no SO_REUSEPORT sharing).
# start prints the base URL; exit 77 when ironic is not installed. Used by the
# integration tests (tests/integration/ironic_fixture.sh) and `make demo`.
# (After ../shared/rig/start-ironic.sh.)
# Environment: KILN_IRONIC_PORT (a fixed port instead of 0, for options that
# must name Ironic's own URL such as [service_catalog] endpoint_override) and
# KILN_IRONIC_EXTRA_CONF (a file of options read after the generated ones,
# which it overrides: enabled_deploy_interfaces, [agent], [conductor],
# auth_strategy, [api] enable_ssl_api ...), KILN_IRONIC_PROBE_AUTH (USER:PASSWORD
# for the readiness probe of an Ironic with auth_strategy = http_basic) and
# KILN_IRONIC_PROBE_CA (the CA of an https Ironic, for the probe), KILN_IRONIC_PROBE_TOKEN
# (a Keystone token for the probe of an Ironic with auth_strategy = keystone).
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

if [ "$cmd" = stop ]; then
  [ -f "$dir/ironic.pid" ] || exit 0
  pid=$(cat "$dir/ironic.pid")
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$dir/ironic.conf"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/ironic.pid"
  exit 0
fi

for bin in ironic ironic-dbsync curl; do
  command -v "$bin" >/dev/null 2>&1 || { echo "ironic.sh: '$bin' missing (apt-get install ironic-common curl)" >&2; exit 77; }
done
mkdir -p "$dir/state/lock" "$dir/log" "$dir/tmp"
dir=$(cd "$dir" && pwd -P)
cat > "$dir/ironic.conf" <<CONF
[DEFAULT]
auth_strategy = noauth
rpc_transport = none
host = kiln-it
state_path = $dir/state
tempdir = $dir/tmp
log_dir = $dir/log
log_file = ironic.log
graceful_shutdown_timeout = 5
enabled_hardware_types = fake-hardware
enabled_bios_interfaces = fake,no-bios
enabled_boot_interfaces = fake
enabled_console_interfaces = fake,no-console
enabled_deploy_interfaces = fake,ramdisk
enabled_inspect_interfaces = fake,no-inspect
enabled_management_interfaces = fake
enabled_network_interfaces = noop
enabled_power_interfaces = fake
enabled_raid_interfaces = fake,no-raid
enabled_rescue_interfaces = fake,no-rescue
enabled_storage_interfaces = noop
enabled_vendor_interfaces = fake,no-vendor
[api]
host_ip = 127.0.0.1
port = ${KILN_IRONIC_PORT:-0}
[conductor]
automated_clean = false
[database]
connection = sqlite:///$dir/state/ironic.sqlite
[dhcp]
dhcp_provider = none
[oslo_concurrency]
lock_path = $dir/state/lock
[oslo_policy]
policy_file = $dir/policy.yaml
CONF
# The test plays the ramdisk: it reads kiln.token from instance_info, which
# Ironic masks unless this policy allows it.
echo '"show_instance_secrets": "@"' > "$dir/policy.yaml"
export XDG_CACHE_HOME="$dir/cache"
ironic-dbsync --config-file "$dir/ironic.conf" create_schema > "$dir/log/dbsync.out" 2>&1 ||
  { echo "ironic.sh: ironic-dbsync failed" >&2; tail -n 20 "$dir/log/dbsync.out" >&2; exit 1; }
extra=()
if [ -n "${KILN_IRONIC_EXTRA_CONF:-}" ]; then
  cp "$KILN_IRONIC_EXTRA_CONF" "$dir/extra.conf"
  extra=(--config-file "$dir/extra.conf")
fi
ironic --config-file "$dir/ironic.conf" "${extra[@]}" < /dev/null > "$dir/log/stdout.log" 2>&1 &
echo $! > "$dir/ironic.pid"
url=""
for _ in $(seq 450); do
  kill -0 "$(cat "$dir/ironic.pid")" 2>/dev/null || { echo "ironic.sh: ironic exited" >&2; tail -n 30 "$dir/log/stdout.log" "$dir/log/ironic.log" >&2 || true; exit 1; }
  if [ -z "$url" ]; then
    line=$(grep -o 'wsgi starting up on https\?://[0-9.]*:[0-9]*' "$dir/log/ironic.log" 2>/dev/null | tail -n 1 || true)
    [ -n "$line" ] && url=${line#wsgi starting up on }
  fi
  if [ -n "$url" ] && curl -sf --max-time 5 ${KILN_IRONIC_PROBE_AUTH:+-u "$KILN_IRONIC_PROBE_AUTH"} \
      ${KILN_IRONIC_PROBE_TOKEN:+-H "X-Auth-Token: $KILN_IRONIC_PROBE_TOKEN"} \
      ${KILN_IRONIC_PROBE_CA:+--cacert "$KILN_IRONIC_PROBE_CA"} \
      -H 'X-OpenStack-Ironic-API-Version: 1.82' "$url/v1/drivers" 2>/dev/null |
      grep -q '"fake-hardware"'; then
    echo "$url" > "$dir/url"
    echo "$url"
    exit 0
  fi
  sleep 0.2
done
echo "ironic.sh: not ready after 90 s" >&2
exit 1
