# shellcheck shell=dash  # busybox ash: local is there
# Boot steps of kiln's image, sourced by /init (busybox sh).
RUN=/run/kiln

. /usr/lib/kiln/console.sh

mount_basics() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev 2>/dev/null
  mkdir -p /dev/pts /dev/shm
  mount -t devpts devpts /dev/pts
  mount -t tmpfs -o mode=0755 tmpfs /run
  mount -t tmpfs tmpfs /dev/shm
  mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
  mkdir -p "$RUN/net"
  UPTIME_START=$(uptime_s)
  echo 0 > /proc/sys/kernel/printk_ratelimit 2>/dev/null
  # kernel messages below warnings stay off the status screens
  echo "4 4 1 7" > /proc/sys/kernel/printk
}

# kiln.url kiln.node kiln.token kiln.mode kiln.profile kiln.ca, and
# kiln.end=poweroff|wait|auto, kiln.run=no (debug shell only). What Ironic's
# boot interfaces give a deploy ramdisk (ipa-api-url=, BOOTIF=,
# ipa-global-request-id=, ipa-agent-token=) starts agent mode (agent.sh);
# ipa-advertise-host= and ipa-advertise-port= (IPA's names) set the address
# Ironic calls the agent back on, where it is not this node's own (NAT, a
# port forward); ipa-enable-auto-tls=0|false turns the agent API's TLS off.
read_cmdline() {
  local arg
  KILN_URL="" KILN_NODE="" KILN_TOKEN="" KILN_MODE=burnin KILN_PROFILE="" KILN_CA=""
  KILN_END=auto KILN_RUN=yes
  IPA_API_URL="" IPA_BOOTIF="" IPA_REQUEST_ID="" IPA_AGENT_TOKEN=""
  IPA_ADVERTISE_HOST="" IPA_ADVERTISE_PORT="" IPA_AUTO_TLS=1
  for arg in $(cat /proc/cmdline); do
    case $arg in
      ipa-api-url=*) IPA_API_URL=${arg#ipa-api-url=} ;;
      BOOTIF=*) IPA_BOOTIF=${arg#BOOTIF=} ;;
      ipa-global-request-id=*) IPA_REQUEST_ID=${arg#ipa-global-request-id=} ;;
      ipa-agent-token=*) IPA_AGENT_TOKEN=${arg#ipa-agent-token=} ;;
      ipa-advertise-host=*) IPA_ADVERTISE_HOST=${arg#ipa-advertise-host=} ;;
      ipa-advertise-port=*) IPA_ADVERTISE_PORT=${arg#ipa-advertise-port=} ;;
      ipa-enable-auto-tls=0 | ipa-enable-auto-tls=[Ff]alse | ipa-enable-auto-tls=[Nn]o | ipa-enable-auto-tls=[Oo]ff) IPA_AUTO_TLS=0 ;;
      kiln.url=*) KILN_URL=${arg#kiln.url=} ;;
      kiln.node=*) KILN_NODE=${arg#kiln.node=} ;;
      kiln.token=*) KILN_TOKEN=${arg#kiln.token=} ;;
      kiln.mode=*) KILN_MODE=${arg#kiln.mode=} ;;
      kiln.profile=*) KILN_PROFILE=${arg#kiln.profile=} ;;
      kiln.ca=*) KILN_CA=${arg#kiln.ca=} ;;
      kiln.end=*) KILN_END=${arg#kiln.end=} ;;
      kiln.run=*) KILN_RUN=${arg#kiln.run=} ;;
    esac
  done
  case $KILN_MODE in burnin | decommission) ;; *)
    say "kiln.mode=$KILN_MODE is not burnin or decommission: using burnin"; KILN_MODE=burnin ;;
  esac
  case $KILN_END in poweroff | wait | auto) ;; *)
    say "kiln.end=$KILN_END is not poweroff, wait or auto: using auto"; KILN_END=auto ;;
  esac
  [ -n "$IPA_API_URL" ] && say "Ironic agent mode: ipa-api-url=$IPA_API_URL${IPA_BOOTIF:+ BOOTIF=$IPA_BOOTIF}"
  say "node ${KILN_NODE:-(none)}, orchestrator ${KILN_URL:-(none: standalone)}, mode $KILN_MODE${KILN_PROFILE:+, profile $KILN_PROFILE}, end $KILN_END"
}

# A root shell on tty2 (VGA: Alt+F2) and on the second serial port.
start_debug_shells() {
  local tty
  for tty in tty2 ttyS1; do
    # a port without a UART answers EIO
    stty -F "/dev/$tty" > /dev/null 2>&1 || continue
    grep -qw "$tty" /sys/class/tty/console/active 2>/dev/null && continue
    (while :; do setsid getty -n -l /usr/lib/kiln/debug-shell 115200 "$tty" linux; sleep 1; done) \
      > /dev/null 2>&1 &
  done
}

# Drivers for what the hardware announces (every modalias under /sys, twice:
# a bus driver reveals new devices), then the BMC interface by name.
load_drivers() {
  local pass i
  for pass in 1 2; do
    find /sys/devices -name modalias -type f -exec cat {} + 2>/dev/null | sort -u > "$RUN/modaliases"
    xargs modprobe -q -b -a < "$RUN/modaliases" 2>/dev/null
  done
  modprobe -q -a ipmi_si ipmi_devintf 2>/dev/null
  # UEFI variables (the boot-order check): efivarfs is a module in Debian's kernel.
  if [ -d /sys/firmware/efi ] && ! grep -q efivarfs /proc/mounts; then
    modprobe -q efivarfs 2>/dev/null
    mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
  fi
  keep_crash_records
  for i in $(seq 1 20); do [ -c /dev/ipmi0 ] && break; sleep 0.5; done
  say "drivers: $(wc -l < /proc/modules) modules loaded at $(uptime_s)s; BMC $([ -c /dev/ipmi0 ] && echo /dev/ipmi0 || echo 'not found in-band')"
}

# A panic or oops under load must leave its text for the next boot's runner
# (docs/reboots.md): pstore mounted at /sys/fs/pstore, backed by the UEFI
# variables (efi_pstore) and, where the operator reserved RAM for it on the
# kernel command line (ramoops.mem_address=, ramoops.mem_size=), by ramoops.
# A panicked node reboots after 10 s instead of hanging, so the burn-in goes on.
keep_crash_records() {
  [ -d /sys/firmware/efi ] && modprobe -q efi_pstore 2>/dev/null
  grep -q 'ramoops\.mem_address=' /proc/cmdline && modprobe -q ramoops 2>/dev/null
  grep -q ' /sys/fs/pstore ' /proc/mounts || mount -t pstore pstore /sys/fs/pstore 2>/dev/null
  echo 10 > /proc/sys/kernel/panic 2>/dev/null
  echo 1 > /proc/sys/kernel/panic_on_oops 2>/dev/null
  local records
  records=$(ls /sys/fs/pstore 2>/dev/null | wc -l)
  [ "$records" -gt 0 ] && say "pstore: $records crash record(s) from an earlier boot"
  return 0
}

# Every NIC up; DHCP (busybox udhcpc, which keeps renewing) on each with carrier.
bring_up_network() {
  local nic i any="" wanted=""
  ip link set lo up
  for nic in /sys/class/net/*; do
    nic=${nic##*/}
    [ "$nic" = lo ] && continue
    ip link set "$nic" up 2>/dev/null
    wanted="$wanted $nic"
  done
  for i in $(seq 1 20); do
    any=""
    for nic in $wanted; do [ "$(cat "/sys/class/net/$nic/carrier" 2>/dev/null)" = 1 ] && any="$any $nic"; done
    [ -n "$any" ] && [ "$i" -ge 4 ] && break
    sleep 0.5
  done
  for nic in $any; do
    udhcpc -i "$nic" -s /usr/lib/kiln/udhcpc-event -t 10 -T 2 -b -S -x hostname:kiln > /dev/null 2>&1 &
  done
  for i in $(seq 1 60); do
    [ -n "$(ls "$RUN/net" 2>/dev/null)" ] && break
    sleep 0.5
  done
  say "network: links with carrier:${any:- none}; $(cat "$RUN"/net/* 2>/dev/null | tr '\n' ' ')"
}

. /usr/lib/kiln/burnin.sh
. /usr/lib/kiln/agent.sh
