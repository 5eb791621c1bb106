#!/usr/bin/env bash
# Wiping N loop-backed disks: kiln's disk-wipe (every disk in parallel, O_DIRECT, 4 MiB blocks,
# then a 1 % sample read-back) against the peer a technician would script by hand: one
# `dd if=/dev/zero of=DISK bs=4M oflag=direct conv=fsync` per disk, in sequence. Prints the
# aggregate throughput of each and the ratio, from one run. Needs root (loop devices).
#   bench/wipe/run.sh KILN_RUNNER [N=4] [SIZE_MIB=256] [DIR=/var/tmp] [DISK_MBPS=0]
# The loop devices use --direct-io=on so writes reach the backing files' disk, not the page cache
# (tmpfs cannot: there they are buffered). All loop devices here sit on one backing disk, so
# together they cannot be faster than it; DISK_MBPS > 0 models N independent disks of that speed
# each: both kiln and dd run in a blkio cgroup that throttles every loop device to DISK_MBPS
# (reads and writes; cgroup v1 blkio.throttle or v2 io.max).
set -euo pipefail
runner=$(realpath "${1:?usage: run.sh KILN_RUNNER [N] [SIZE_MIB] [DIR]}")
n=${2:-4}; size_mib=${3:-256}; dir=${4:-/var/tmp}; mbps=${5:-0}
src=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (loop devices)"; exit 77; }
tmp=$(mktemp -d "$dir/kiln-wipe-bench.XXXXXX")
loops=()
cg=""
cleanup() {
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  [ -n "$cg" ] && rmdir "$cg" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq 1 "$n"); do
  head -c "$((size_mib))M" /dev/urandom > "$tmp/d$i.img"   # allocated, full of data
  # direct I/O to the backing file where its filesystem allows it (not tmpfs)
  loops+=("$(losetup --direct-io=on -f --show "$tmp/d$i.img" 2>/dev/null || losetup -f --show "$tmp/d$i.img")")
done
sync
dio=$(losetup -n -O DIO "${loops[0]}" | tr -d ' ')
# throttled CMD...: runs CMD in the cgroup that limits every loop device to $mbps (or plainly).
throttled() { "$@"; }
if [ "$mbps" -gt 0 ]; then
  bps=$(( mbps * 1000000 ))
  if [ -d /sys/fs/cgroup/blkio ]; then
    cg=/sys/fs/cgroup/blkio/kiln-wipe-bench-$$; mkdir "$cg"
    for l in "${loops[@]}"; do
      mm=$(lsblk -dno MAJ:MIN "$l" | tr -d ' ')
      echo "$mm $bps" > "$cg/blkio.throttle.write_bps_device"
      echo "$mm $bps" > "$cg/blkio.throttle.read_bps_device"
    done
    throttled() { ( echo "$BASHPID" > "$cg/tasks"; exec "$@" ); }
  elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cg=/sys/fs/cgroup/kiln-wipe-bench-$$; mkdir "$cg"
    for l in "${loops[@]}"; do
      echo "$(lsblk -dno MAJ:MIN "$l" | tr -d ' ') rbps=$bps wbps=$bps" > "$cg/io.max"
    done
    throttled() { ( echo "$BASHPID" > "$cg/cgroup.procs"; exec "$@" ); }
  else
    echo "no blkio cgroup: cannot throttle"; exit 77
  fi
fi

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
printf 'profile: quick\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/quick.yaml"
printf 'profile: decommission\nstages:\n  - stage: disk-wipe\n    params: {verify: sample, verify_percent: 1, discard: never}\n' \
  > "$tmp/configs/profiles/decommission.yaml"
disk_args=(); for l in "${loops[@]}"; do disk_args+=(--disk "$l"); done

now() { date +%s.%N; }
t0=$(now)
throttled "$runner" run --config "$tmp/configs" --profile decommission --decommission --i-know-this-wipes \
  "${disk_args[@]}" --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$tmp/out" > "$tmp/kiln.log" 2>&1 \
  || { cat "$tmp/kiln.log"; echo "kiln-runner failed"; exit 1; }
t1=$(now)
for l in "${loops[@]}"; do cmp -n "$((size_mib * 1048576))" "$l" /dev/zero >/dev/null || { echo "$l not zero after kiln"; exit 1; }; done
# Refill so dd overwrites data too (the loop devices' backing files stay allocated).
for l in "${loops[@]}"; do dd if=/dev/urandom of="$l" bs=1M count="$size_mib" iflag=fullblock oflag=direct status=none; done
sync
t2=$(now)
for l in "${loops[@]}"; do
  throttled dd if=/dev/zero of="$l" bs=4M count="$((size_mib / 4))" oflag=direct conv=fsync status=none
done
t3=$(now)

/usr/bin/python3 - "$n" "$size_mib" "$t0" "$t1" "$t2" "$t3" "$tmp/out/report.json" "$dio" "$mbps" "$dir" <<'PY'
import json, sys
n, mib = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
dio, mbps, where = sys.argv[8], int(sys.argv[9]), sys.argv[10]
mb = n * mib * 1048576 / 1e6
kiln_s, dd_s = t1 - t0, t3 - t2
stage = [s for s in json.load(open(sys.argv[7]))["stages"] if s["name"] == "disk-wipe"][0]
per_disk = [m["value"] for m in stage["measurements"] if m["name"] == "wipe_overwrite_throughput"]
print(f"{n} loop disks x {mib} MiB ({mb:.0f} MB) on {where}, loop direct I/O {'on' if dio == '1' else 'off'}, "
      f"{'each throttled to ' + str(mbps) + ' MB/s' if mbps else 'not throttled'}")
print(f"kiln disk-wipe, in parallel (incl. 1% read-back, process start): {kiln_s:7.2f} s  {mb / kiln_s:8.1f} MB/s aggregate"
      f"  (per disk overwrite: {', '.join(f'{v:.0f}' for v in per_disk)} MB/s)")
print(f"dd bs=4M oflag=direct conv=fsync, one disk after another:       {dd_s:7.2f} s  {mb / dd_s:8.1f} MB/s aggregate")
print(f"ratio kiln / dd-in-sequence: {dd_s / kiln_s:.2f}x")
PY
