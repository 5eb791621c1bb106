# shellcheck shell=dash  # busybox ash: local is there
# Agent mode: kiln's image booted by Ironic as its deploy ramdisk (the kernel
# command line has ipa-api-url=). kiln-runner agent serves the Ironic agent
# API on port 9999 and runs kiln_burnin / burnin_* / kiln_decommission as
# Ironic asks; it is restarted if it dies. Sourced by boot.sh.
AGENT_OUT=$RUN/agent
AGENT_PORT=9999

# The agent API is https (kiln-runner agent --tls auto: its own certificate,
# handed to Ironic in the heartbeat as IPA's automatic TLS does) unless the
# command line says ipa-enable-auto-tls=0 (read_cmdline: IPA_AUTO_TLS).
agent_scheme() {
  if [ "${IPA_AUTO_TLS:-1}" = 0 ]; then echo http; else echo https; fi
}

# The address Ironic reaches this node at: the source of the route to the
# API's host (an IP), else of the default route.
agent_address() {
  local host=${IPA_API_URL#*://}
  host=${host%%/*}
  host=${host%:*}
  host=${host#[}
  host=${host%]}
  case $host in *[!0-9.]*) host=1.1.1.1 ;; esac
  ip -4 route get "$host" 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n 1
}

# The callback URL Ironic is given: ipa-advertise-host= and ipa-advertise-port=
# (IPA's parameters: the address Ironic reaches this node's port 9999 at, behind
# NAT or a port forward), else this node's own address and port 9999. Empty
# when no address is known (kiln-runner then advertises its listen address).
agent_callback() {
  local host=$IPA_ADVERTISE_HOST port=${IPA_ADVERTISE_PORT:-$AGENT_PORT}
  case $port in '' | *[!0-9]*)
    say "ipa-advertise-port=$port is not a port number: advertising port $AGENT_PORT"; port=$AGENT_PORT ;;
  esac
  [ -n "$host" ] || host=$(agent_address)
  [ -n "$host" ] || return 0
  case $host in *:*) host="[${host#[}"; host="${host%]}]" ;; esac
  echo "$(agent_scheme)://$host:$port"
}

agent_args() {
  local d callback mac
  set -- agent --api-url "$IPA_API_URL" --listen "0.0.0.0:$AGENT_PORT" --config /etc/kiln \
    --out "$AGENT_OUT" --allow-power-off --i-know-this-wipes
  [ "$(agent_scheme)" = https ] && set -- "$@" --tls auto
  callback=$(agent_callback)
  [ -n "$callback" ] && set -- "$@" --advertise "$callback"
  [ -n "$IPA_BOOTIF" ] && set -- "$@" --mac "$IPA_BOOTIF"
  for mac in /sys/class/net/*/address; do
    case $mac in */lo/address) continue ;; esac
    mac=$(cat "$mac")
    [ "$mac" = 00:00:00:00:00:00 ] || set -- "$@" --mac "$mac"
  done
  [ -n "$IPA_REQUEST_ID" ] && set -- "$@" --global-request-id "$IPA_REQUEST_ID"
  for d in $(burnin_disks); do set -- "$@" --disk "$d"; done
  [ -n "$KILN_URL" ] && [ -n "$KILN_TOKEN" ] && set -- "$@" --orchestrator "$KILN_URL"
  printf '%s\n' "$@"
}

run_agent() {
  local rc nl='
'
  mkdir -p "$AGENT_OUT"
  agent_args > "$RUN/agent.args"
  say "Ironic agent mode: kiln-runner $(tr '\n' ' ' < "$RUN/agent.args")"
  # Tokens travel in the environment, never on a command line.
  [ -n "$IPA_AGENT_TOKEN" ] && export IPA_AGENT_TOKEN
  if grep -qx -- --orchestrator "$RUN/agent.args"; then export KILN_TOKEN; else unset KILN_TOKEN; fi
  IFS=$nl
  set -- $(cat "$RUN/agent.args")
  unset IFS
  while :; do
    kiln-runner "$@" >> "$RUN/agent.log" 2>&1
    rc=$?
    say "kiln-runner agent exited with status $rc at $(uptime_s)s; restarting in 5 s (log: $RUN/agent.log)"
    tail -n 5 "$RUN/agent.log" | while IFS= read -r line; do say "  $line"; done
    sleep 5
  done
}
