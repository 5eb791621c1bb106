#!/usr/bin/env bash
# Start or stop an OpenIPMI ipmi_sim BMC on 127.0.0.1 whose FRU carries a
# delivery's asset tag and a serial.
#   bmc-sim.sh start DIR PORT SERIAL ASSET_TAG [--dead-fan] [--hot-cpu]
#                       (prints the pid; logs in DIR/ipmi_sim.log; sensors: CPU Temp, FAN1, FAN2)
#   bmc-sim.sh stop DIR
# Talk to it with: ipmitool -I lanplus -H 127.0.0.1 -p PORT -U admin -P kilnpw -C 3 fru print 0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?start|stop}; dir=${2:?run folder}
case $cmd in
  start)
    port=${3:?port}; serial=${4:?serial}; asset=${5-}
    shift 5 2>/dev/null || shift $#
    mkdir -p "$dir/state"
    /usr/bin/python3 "$here/mkfru.py" "$dir/fru0.bin" --serial "$serial" --asset "$asset"
    { sed "s|@DIR@|$dir|g" "$here/bmc/kiln-bmc.emu.in"; /usr/bin/python3 "$here/bmc/mksensors.py" "$@"; } \
      > "$dir/kiln-bmc.emu"
    sed "s|@PORT@|$port|g" "$here/bmc/lan.conf.in" > "$dir/lan.conf"
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
