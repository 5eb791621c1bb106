#!/usr/bin/env bash
# Hybrid ISO (BIOS via GRUB's El Torito + MBR, UEFI via an ESP image) holding
# kiln's kernel and initramfs; written with grub-mkrescue (xorriso, mtools).
# Usage: iso.sh KERNEL INITRAMFS OUT.iso WORKDIR
set -euo pipefail
kernel=$1; initramfs=$2; iso=$3; work=$4
for tool in grub-mkrescue xorriso mformat; do
  command -v "$tool" >/dev/null || { echo "image: error: '$tool' is missing (make deps: grub-pc-bin grub-efi-amd64-bin xorriso mtools)" >&2; exit 1; }
done
for dir in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do
  [ -d "$dir" ] || { echo "image: error: $dir is missing (grub-pc-bin, grub-efi-amd64-bin)" >&2; exit 1; }
done
mkdir -p "$work/boot/grub" "$work/kiln"
cp "$kernel" "$work/kiln/kiln.kernel"
cp "$initramfs" "$work/kiln/kiln.initramfs"
cat > "$work/boot/grub/grub.cfg" <<'CFG'
# kiln burn-in image. Add kiln.url= kiln.node= kiln.token= (press e) to report
# to an orchestrator; without them the runner burns in standalone.
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=5
menuentry "kiln burn-in" {
  linux /kiln/kiln.kernel console=tty1 console=ttyS0,115200 quiet kiln.end=wait
  initrd /kiln/kiln.initramfs
}
menuentry "kiln debug shell (no burn-in)" {
  linux /kiln/kiln.kernel console=tty1 console=ttyS0,115200 kiln.run=no
  initrd /kiln/kiln.initramfs
}
CFG
find "$work" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# xorriso takes its times and volume UUID from SOURCE_DATE_EPOCH.
grub-mkrescue -o "$iso" "$work" -- -volid KILN > "$work.log" 2>&1 ||
  { echo "image: error: grub-mkrescue failed:" >&2; tail -n 20 "$work.log" >&2; exit 1; }
touch -d "@$SOURCE_DATE_EPOCH" "$iso"
