#!/usr/bin/env bash
# Wiping N loop-backed disks: kiln's disk-wipe (every disk in parallel, O_DIRECT, 4 MiB blocks,
# then a 1 % sample read-back) against the peer a technician would script by hand: one
# `dd if=/dev/zero of=DISK bs=4M oflag=direct conv=fsync` per disk, in sequence. Prints the
# aggregate throughput of each and the ratio, from one run. Needs root (loop devices).
#   bench/wipe/run.sh KILN_RUNNER [N=4] [SIZE_MIB=256] [DIR=/var/tmp]
# The loop devices use --direct-io=on so writes reach the backing files' disk, not the page cache.
set -euo pipefail
runner=$(realpath "${1:?usage: run.sh KILN_RUNNER [N] [SIZE_MIB] [DIR]}")
n=${2:-4}; size_mib=${3:-256}; dir=${4:-/var/tmp}
src=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (loop devices)"; exit 77; }
tmp=$(mktemp -d "$dir/kiln-wipe-bench.XXXXXX")
loops=()
cleanup() { for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

for i in $(seq 1 "$n"); do
  head -c "$((size_mib))M" /dev/urandom > "$tmp/d$i.img"   # allocated, full of data
  # direct I/O to the backing file where its filesystem allows it (not tmpfs)
  loops+=("$(losetup --direct-io=on -f --show "$tmp/d$i.img" 2>/dev/null || losetup -f --show "$tmp/d$i.img")")
done
sync
total_mb=$(( n * size_mib * 1048576 / 1000000 ))

mkdir -p "$tmp/configs/profiles" "$tmp/configs/deliveries"
cp "$src/configs/deliveries/po-2026-0042.yaml" "$tmp/configs/deliveries/"
printf 'profile: quick\nstages:\n  - stage: inventory\n' > "$tmp/configs/profiles/quick.yaml"
printf 'profile: decommission\nstages:\n  - stage: disk-wipe\n    params: {verify: sample, verify_percent: 1, discard: never}\n' \
  > "$tmp/configs/profiles/decommission.yaml"
disk_args=(); for l in "${loops[@]}"; do disk_args+=(--disk "$l"); done

now() { date +%s.%N; }
t0=$(now)
"$runner" run --config "$tmp/configs" --profile decommission --decommission --i-know-this-wipes \
  "${disk_args[@]}" --fru-file "$src/tests/data/fru-po-2026-0042.txt" --out "$tmp/out" > "$tmp/kiln.log" 2>&1 \
  || { cat "$tmp/kiln.log"; echo "kiln-runner failed"; exit 1; }
t1=$(now)
for l in "${loops[@]}"; do cmp -n "$((size_mib * 1048576))" "$l" /dev/zero >/dev/null || { echo "$l not zero after kiln"; exit 1; }; done
# Refill so dd overwrites data too (the loop devices' backing files stay allocated).
for l in "${loops[@]}"; do dd if=/dev/urandom of="$l" bs=1M count="$size_mib" iflag=fullblock oflag=direct status=none; done
sync
t2=$(now)
for l in "${loops[@]}"; do dd if=/dev/zero of="$l" bs=4M count="$((size_mib / 4))" oflag=direct conv=fsync status=none; done
t3=$(now)

/usr/bin/python3 - "$n" "$size_mib" "$t0" "$t1" "$t2" "$t3" "$tmp/out/report.json" <<'PY'
import json, sys
n, mib = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
mb = n * mib * 1048576 / 1e6
kiln_s, dd_s = t1 - t0, t3 - t2
stage = [s for s in json.load(open(sys.argv[7]))["stages"] if s["name"] == "disk-wipe"][0]
per_disk = [m["value"] for m in stage["measurements"] if m["name"] == "wipe_overwrite_throughput"]
print(f"{n} loop disks x {mib} MiB ({mb:.0f} MB), direct I/O")
print(f"kiln disk-wipe, in parallel (incl. 1% read-back, process start): {kiln_s:7.2f} s  {mb / kiln_s:8.1f} MB/s aggregate"
      f"  (per disk overwrite: {', '.join(f'{v:.0f}' for v in per_disk)} MB/s)")
print(f"dd bs=4M oflag=direct conv=fsync, one disk after another:       {dd_s:7.2f} s  {mb / dd_s:8.1f} MB/s aggregate")
print(f"ratio kiln / dd-in-sequence: {dd_s / kiln_s:.2f}x")
PY
