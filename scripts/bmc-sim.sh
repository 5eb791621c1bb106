#!/usr/bin/env bash
# Start or stop an OpenIPMI ipmi_sim BMC on 127.0.0.1 whose FRU carries a
# delivery's asset tag and a serial.
#   bmc-sim.sh start DIR PORT SERIAL ASSET_TAG [--dead-fan] [--hot-cpu] [--vm-port VMPORT]
#                       (prints the pid; logs in DIR/ipmi_sim.log; sensors: CPU Temp, FAN1, FAN2)
#   --vm-port: the same BMC is also the in-band BMC of a QEMU guest, which connects to
#   127.0.0.1:VMPORT with: -chardev socket,id=bmc,host=127.0.0.1,port=VMPORT,reconnect=10
#   -device ipmi-bmc-extern,id=bmc0,chardev=bmc -device isa-ipmi-kcs,bmc=bmc0
#   bmc-sim.sh stop DIR
# Talk to it with: ipmitool -I lanplus -H 127.0.0.1 -p PORT -U admin -P kilnpw -C 3 fru print 0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?start|stop}; dir=${2:?run folder}
case $cmd in
  start)
    port=${3:?port}; serial=${4:?serial}; asset=${5-}
    shift 5 2>/dev/null || shift $#
    sensor_flags=(); vm_port=""
    while [ $# -gt 0 ]; do
      case $1 in
        --vm-port) vm_port=${2:?--vm-port needs a port}; shift 2 ;;
        *) sensor_flags+=("$1"); shift ;;
      esac
    done
    mkdir -p "$dir/state"
    /usr/bin/python3 "$here/mkfru.py" "$dir/fru0.bin" --serial "$serial" --asset "$asset"
    { sed "s|@DIR@|$dir|g" "$here/bmc/kiln-bmc.emu.in"; /usr/bin/python3 "$here/bmc/mksensors.py" "${sensor_flags[@]}"; } \
      > "$dir/kiln-bmc.emu"
    sed "s|@PORT@|$port|g" "$here/bmc/lan.conf.in" > "$dir/lan.conf"
    # in-band: QEMU's ipmi-bmc-extern speaks OpenIPMI's "VM" protocol to this port
    [ -n "$vm_port" ] && printf '  serial 15 127.0.0.1 %s codec VM\n' "$vm_port" >> "$dir/lan.conf"
    ipmi_sim -c "$dir/lan.conf" -f "$dir/kiln-bmc.emu" -s "$dir/state" -n > "$dir/ipmi_sim.log" 2>&1 &
    echo $! > "$dir/ipmi_sim.pid"
    for _ in $(seq 1 50); do
      if ipmitool -I lanplus -H 127.0.0.1 -p "$port" -U admin -P kilnpw -C 3 mc info >/dev/null 2>&1; then
        cat "$dir/ipmi_sim.pid"; exit 0
      fi
      kill -0 "$(cat "$dir/ipmi_sim.pid")" 2>/dev/null || { echo "ipmi_sim died:" >&2; cat "$dir/ipmi_sim.log" >&2; exit 1; }
      sleep 0.2
    done
    echo "ipmi_sim on 127.0.0.1:$port did not answer within 10 s" >&2; exit 1 ;;
  stop)
    [ -f "$dir/ipmi_sim.pid" ] && kill "$(cat "$dir/ipmi_sim.pid")" 2>/dev/null || true
    rm -f "$dir/ipmi_sim.pid" ;;
  *) echo "usage: $0 start DIR PORT SERIAL ASSET | stop DIR" >&2; exit 2 ;;
esac
