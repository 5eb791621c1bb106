# shellcheck shell=dash  # busybox ash: local is there
# Console output of kiln's image: every active console (serial and VGA).
# Sourced by boot.sh and status.
RUN=/run/kiln

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# The active consoles (serial and VGA: /sys/class/tty/console/active) and tty1.
consoles() {
  local c list="" seen=""
  [ -r /sys/class/tty/console/active ] && list=$(cat /sys/class/tty/console/active)
  for c in $list tty1; do
    [ "$c" = tty0 ] && c=tty1
    case " $seen " in *" $c "*) continue ;; esac
    seen="$seen $c"
    [ -c "/dev/$c" ] && echo "/dev/$c"
  done
}
# A message on every console; the boot log keeps it.
say() {
  local t
  t=$(uptime_s)
  echo "kiln [$t] $*" >> "$RUN/boot.log"
  for c in $(consoles); do echo "kiln: $*" > "$c" 2>/dev/null; done
}

