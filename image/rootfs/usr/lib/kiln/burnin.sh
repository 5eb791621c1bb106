# shellcheck shell=dash  # busybox ash: local is there
# kiln-runner in the image: its arguments from the command line, the status
# screen while it runs, the verdict (or the crash) and the end. Sourced by boot.sh.
OUT=$RUN/out

# Whole disks a burn-in may test: not RAM/loop/optical/floppy/device-mapper/md,
# not removable media (the USB stick or virtual CD the image may boot from).
# kiln-runner's own safety checks still refuse disks in use or with signatures.
burnin_disks() {
  local b name
  for b in /sys/block/*; do
    name=${b##*/}
    case $name in loop* | ram* | zram* | sr* | fd* | dm-* | md* | nbd*) continue ;; esac
    [ "$(cat "$b/removable" 2>/dev/null)" = 1 ] && continue
    [ -b "/dev/$name" ] && echo "/dev/$name"
  done
}

runner_args() {
  local d
  set -- run --config /etc/kiln --out "$OUT"
  [ -n "$KILN_PROFILE" ] && set -- "$@" --profile "$KILN_PROFILE"
  for d in $(burnin_disks); do set -- "$@" --disk "$d"; done
  set -- "$@" --mode "$KILN_MODE"
  if [ -n "$KILN_URL" ]; then
    if [ -z "$KILN_TOKEN" ] || [ -z "$KILN_NODE" ]; then
      say "kiln.url without kiln.token and kiln.node: standalone run, nothing is reported"
    else
      set -- "$@" --orchestrator "$KILN_URL" --node "$KILN_NODE"
      [ -s "$RUN/ca.pem" ] && set -- "$@" --ca "$RUN/ca.pem"
    fi
  fi
  printf '%s\n' "$@"
}

# kiln.ca: the CA (PEM) that an https:// orchestrator's certificate is checked
# against: a file in the image (a site overlay's /etc/kiln/ca.pem) or an http:// URL.
fetch_ca() {
  [ -n "$KILN_CA" ] || return 0
  case $KILN_CA in
    http://*) wget -q -T 20 -O "$RUN/ca.pem" "$KILN_CA" || say "kiln.ca: cannot fetch $KILN_CA" ;;
    /*) cp "$KILN_CA" "$RUN/ca.pem" 2>/dev/null || say "kiln.ca: no file $KILN_CA in the image" ;;
    *) say "kiln.ca=$KILN_CA is neither a path in the image nor an http:// URL" ;;
  esac
  grep -q "BEGIN CERTIFICATE" "$RUN/ca.pem" 2>/dev/null || { say "kiln.ca: $KILN_CA holds no PEM certificate"; rm -f "$RUN/ca.pem"; }
}

run_burnin() {
  local rc status_pid runner_pid
  mkdir -p "$OUT"
  fetch_ca
  runner_args > "$RUN/runner.args"
  say "disks: $(burnin_disks | tr '\n' ' ')"
  say "starting kiln-runner $(tr '\n' ' ' < "$RUN/runner.args") at $(uptime_s)s"
  echo "$(uptime_s)" > "$RUN/runner.started"
  # The token travels in the environment, never on a command line (ps, logs).
  if grep -qx -- --orchestrator "$RUN/runner.args"; then export KILN_TOKEN; else unset KILN_TOKEN; fi
  local nl='
'
  IFS=$nl
  set -- $(cat "$RUN/runner.args")
  unset IFS
  kiln-runner "$@" > "$RUN/runner.log" 2>&1 &
  runner_pid=$!
  echo "$runner_pid" > "$RUN/runner.pid"
  KILN_NODE=$KILN_NODE /usr/lib/kiln/status "$runner_pid" &
  status_pid=$!
  wait "$runner_pid"
  rc=$?
  echo "$(uptime_s)" > "$RUN/runner.ended"
  kill "$status_pid" 2>/dev/null
  wait "$status_pid" 2>/dev/null
  return "$rc"
}

# The verdict or the crash, on every console; then power off or wait.
finish() {
  local rc=$1 verdict what
  verdict=$(sed -n 's/.*"testRunEnd":{[^}]*"result":"\([A-Z_]*\)".*/\1/p' "$OUT/ocptv.jsonl" 2>/dev/null | tail -n 1)
  case $rc in
    0) what="PASS" ;;
    1) what="FAIL" ;;
    2) what="ERROR (a harness problem: see the log)" ;;
    *) what="CRASHED" ;;
  esac
  if [ "$rc" -gt 2 ] || [ ! -s "$OUT/report.json" ]; then
    what="CRASHED"
    say "=================================================================="
    say "KILN-RUNNER CRASHED: exit status $rc$([ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))"), no report written"
    say "the orchestrator sees the run stop (no heartbeat) and keeps what was streamed"
    say "last lines of $RUN/runner.log:"
    tail -n 15 "$RUN/runner.log" | while IFS= read -r line; do say "  $line"; done
    say "=================================================================="
  else
    for c in $(consoles); do tail -n 40 "$RUN/runner.log" > "$c" 2>/dev/null; done
  fi
  say "KILN VERDICT: $what (runner exit $rc, OCPTV result ${verdict:-none}) at $(uptime_s)s"
  echo "$what" > "$RUN/verdict"
  end=$KILN_END
  if [ "$end" = auto ]; then
    # PASS: the node moves on (Ironic powers it as it likes); anything else
    # waits for a technician, the console showing why.
    if [ "$what" = PASS ]; then end=poweroff; else end=wait; fi
  fi
  if [ "$end" = poweroff ]; then
    say "powering off (kiln.end=$KILN_END)"
    sync
    poweroff -f
  fi
  say "waiting (kiln.end=$KILN_END); a shell is on tty2 and ttyS1; results in $OUT"
  while :; do sleep 3600; done
}
