#!/usr/bin/env bash
# Measures kiln's image (figures for image/README.md; a benchmark, not a test):
#   - compressed sizes (kernel, initramfs, ISO) and the uncompressed initramfs
#   - seconds from QEMU start to kiln-runner start and to the verdict (report
#     delivered to an orchestrator on the host), booting under TCG with the hw
#     tests' rig (in-band ipmi_sim BMC, AHCI + NVMe disks, user networking)
#   - the floor: the same kernel with a one-line init (busybox, power off at once)
#   - what fio's Debian build drags in: its libraries that nothing else in the
#     image needs, and their share of the compressed image
# Usage: image/measure.sh BIN_DIR IMAGE_DIR [RUNS]   (as root; BIN_DIR holds kiln-orchestrator, kilnctl)
set -euo pipefail
bin=$(cd "${1:?BIN_DIR}" && pwd); IMAGE=$(cd "${2:?IMAGE_DIR}" && pwd); runs=${3:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests-hw/lib/guest.sh
. "$SRC/tests-hw/lib/guest.sh"
tmp=$(mktemp -d /tmp/kiln-measure.XXXXXX)
orch_pid=""
trap '[ -n "$orch_pid" ] && kill "$orch_pid" 2>/dev/null; stop_bmc "$tmp/bmc"; rm -rf "$tmp"' EXIT

# Serial console lines stamped with seconds since QEMU was started.
stamped_boot() {  # LOG INITRD CMDLINE DISK_ARGS...
  local log=$1; shift
  rm -f "$tmp/console"; mkfifo "$tmp/console"
  python3 -u -c 'import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin:
    sys.stdout.write("%.2f %s" % (time.time() - t0, line))
print("%.2f qemu-exit" % (time.time() - t0))' "$(date +%s.%N)" < "$tmp/console" > "$log" &
  local stamper=$!
  boot_guest "$tmp/console" 600 "$@" || true
  wait "$stamper"
}
at() { grep -m1 -F "$2" "$1" | cut -d' ' -f1; }  # LOG TEXT -> seconds

echo "== sizes"
ls -l "$IMAGE"/kiln.kernel "$IMAGE"/kiln.initramfs "$IMAGE"/kiln.iso 2>/dev/null | awk '{printf "%-40s %6.1f MB\n", $NF, $5/1e6}'
raw=$(zstd -dc "$IMAGE/kiln.initramfs" | wc -c)
printf '%-40s %6.1f MB\n' "initramfs uncompressed" "$(echo "$raw/1000000" | bc -l)"

echo "== fio's own libraries (needed by fio only)"
mkdir -p "$tmp/root"
(cd "$tmp/root" && zstd -dc "$IMAGE/kiln.initramfs" | cpio -id --quiet 2>/dev/null)
others=$(for p in "$tmp"/root/usr/bin/* "$tmp"/root/usr/sbin/*; do
  [ -L "$p" ] || [ "$(basename "$p")" = fio ] || ldd "$p" 2>/dev/null | awk '$3 ~ /^\// {print $3}'; done |
  xargs -r -n1 basename | sort -u)
fio_only=$(ldd /usr/bin/fio | awk '$3 ~ /^\// {print $3}' | xargs -n1 basename | sort -u | comm -23 - <(echo "$others"))
fio_files=$(for l in $fio_only; do find "$tmp/root/usr/lib/" -name "$l"; done)
[ -n "$fio_files" ] || { echo "fio's libraries not found in the image" >&2; exit 1; }
# shellcheck disable=SC2086
fio_raw=$(cat $fio_files | wc -c)
# shellcheck disable=SC2086
fio_zst=$(cat $fio_files | zstd -19 -T0 -c | wc -c)
echo "libraries: $(echo "$fio_only" | wc -l) ($(echo $fio_only | tr ' ' ','))"
printf 'uncompressed %.1f MB, alone at zstd -19 %.1f MB\n' "$(echo "$fio_raw/1000000" | bc -l)" "$(echo "$fio_zst/1000000" | bc -l)"

[ "${MEASURE_SIZES_ONLY:-}" = 1 ] && exit 0
echo "== boot to runner start and to verdict ($runs runs, TCG, profile hw via the hw tests' overlay)"
mkdir -p "$tmp/overlay/etc"; cp -r "$SRC/tests-hw/configs" "$tmp/overlay/etc/kiln"
initramfs_with_overlay "$IMAGE/kiln.initramfs" "$tmp/overlay" "$tmp/initrd"
start_bmc "$tmp/bmc" KILN-HW-0001 PO-2026-0042
port=$(free_port)
printf 'listen: 127.0.0.1\nport: %s\npublic_url: http://10.0.2.2:%s\nstore: sqlite://%s/kiln.db\noperator_token: measure-token-0123456789\nconfig_dir: %s\n' \
  "$port" "$port" "$tmp" "$SRC/tests-hw/configs" > "$tmp/orch.yaml"
"$bin/kiln-orchestrator" --config "$tmp/orch.yaml" > "$tmp/orch.log" 2>&1 &
orch_pid=$!
sleep 1
for i in $(seq 1 "$runs"); do
  truncate -s 0 "$tmp/a.raw" "$tmp/n.raw"; truncate -s 32M "$tmp/a.raw" "$tmp/n.raw"
  params=$("$bin/kilnctl" --url "http://127.0.0.1:$port" --token measure-token-0123456789 -f json burnin start \
    --node "$(cat /proc/sys/kernel/random/uuid)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["kernel_params"])')
  # shellcheck disable=SC2046
  stamped_boot "$tmp/kiln-$i.log" "$tmp/initrd" "$params kiln.end=poweroff" \
    $(ahci_disk "$tmp/a.raw" KILN-SATA-0001) $(nvme_disk "$tmp/n.raw" KILN-NVME-0001)
  echo "kiln run $i: userspace $(at "$tmp/kiln-$i.log" "kiln: kiln image") s, runner start $(at "$tmp/kiln-$i.log" "starting kiln-runner") s, verdict (report delivered) $(at "$tmp/kiln-$i.log" "KILN VERDICT") s, power off $(at "$tmp/kiln-$i.log" qemu-exit) s"
done

echo "== floor: the same kernel, an initramfs of busybox and a one-line init"
mkdir -p "$tmp/floor/bin" "$tmp/floor/proc"
cp /bin/busybox "$tmp/floor/bin/busybox"; ln -s busybox "$tmp/floor/bin/sh"
printf '#!/bin/sh\n/bin/busybox mount -t proc proc /proc\necho "floor: userspace"\n/bin/busybox poweroff -f\n' > "$tmp/floor/init"
chmod +x "$tmp/floor/init"
(cd "$tmp/floor" && find . | sort | cpio -o -H newc -R 0:0 --quiet) | zstd -q -19 > "$tmp/floor.cpio.zst"
for i in $(seq 1 "$runs"); do
  stamped_boot "$tmp/floor-$i.log" "$tmp/floor.cpio.zst" ""
  echo "floor run $i: userspace $(at "$tmp/floor-$i.log" "floor: userspace") s, power off $(at "$tmp/floor-$i.log" qemu-exit) s"
done
