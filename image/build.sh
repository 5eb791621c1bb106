#!/usr/bin/env bash
# Builds kiln's boot image from Debian 12 packages:
#   OUT/kiln.kernel     Debian's kernel (linux-image-amd64), unchanged
#   OUT/kiln.initramfs  busybox + the burn-in tools + kiln-runner + configs + modules (cpio, zstd)
#   OUT/kiln.iso        hybrid ISO (BIOS and UEFI, GRUB) holding the two
#   OUT/MANIFEST        package versions, modules, firmware, sizes; OUT/SHA256SUMS
# Usage: image/build.sh --runner BIN [--out DIR] [--configs DIR] [--cache DIR] [--no-iso]
# Reproducible: same inputs and SOURCE_DATE_EPOCH (default: the last commit's
# time) give the same bytes. ZSTD_LEVEL (default 19) trades build time for size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
# shellcheck source=image/lib/stage.sh
. "$here/lib/stage.sh"

out=$src/build/image; runner=""; configs=$src/configs; cache=""; iso=1
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=${2:?}; shift 2 ;;
    --runner) runner=${2:?}; shift 2 ;;
    --configs) configs=${2:?}; shift 2 ;;
    --cache) cache=${2:?}; shift 2 ;;
    --no-iso) iso=0; shift ;;
    *) die "unknown argument '$1' (usage: $0 --runner BIN [--out DIR] [--configs DIR] [--cache DIR] [--no-iso])" ;;
  esac
done
[ -n "$runner" ] || die "--runner BIN is required (build/bin/kiln-runner: make build)"
[ -x "$runner" ] || die "kiln-runner '$runner' is not an executable (make build)"
[ -d "$configs/profiles" ] || die "'$configs' has no profiles/ folder"
for tool in dpkg-deb apt-get cpio zstd depmod modinfo file strip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (make deps installs the image packages)"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=${cache:-$out/debs}
mkdir -p "$cache"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 1767225600)}
export LC_ALL=C TZ=UTC
zstd_level=${ZSTD_LEVEL:-19}
# Up to date? The inputs: kiln-runner, image/, configs, the package versions
# and the kernel package, the epoch, the level and whether an ISO is wanted.
inputs=$( {
  sha256sum "$runner" | cut -d' ' -f1
  (cd "$here" && find . -type f ! -name README.md ! -name measure.sh | sort | xargs sha256sum)
  (cd "$configs" && find . -type f | sort | xargs sha256sum)
  awk '$1 !~ /^#/ && NF {print $1}' "$here/contents.list" | xargs dpkg-query -W 2>&1
  apt-cache depends linux-image-amd64 2>/dev/null | grep 'Depends: linux-image' || true
  echo "$SOURCE_DATE_EPOCH $zstd_level $iso ${KERNEL_PACKAGE:-} ${FIRMWARE_PACKAGES:-}"
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/INPUTS" ] && [ "$(cat "$out/INPUTS")" = "$inputs" ] && [ -f "$out/kiln.initramfs" ] &&
   { [ $iso = 0 ] || [ -f "$out/kiln.iso" ]; }; then
  note "$out is up to date (inputs unchanged); remove $out/INPUTS to rebuild"
  exit 0
fi
rm -f "$out/INPUTS"
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

# Debian packages that are not installed on the build host: fetched once into
# the cache (apt-get download), extracted with dpkg-deb.
fetch_deb() {  # PACKAGE -> prints the .deb path
  local pkg=$1 deb
  deb=$(ls "$cache/${pkg}_"*.deb 2>/dev/null | tail -n 1 || true)
  if [ -z "$deb" ]; then
    (cd "$cache" && apt-get download -q "$pkg" >&2) ||
      die "apt-get download $pkg failed (apt-get update? network?); or put its .deb in $cache"
    deb=$(ls "$cache/${pkg}_"*.deb | tail -n 1)
  fi
  echo "$deb"
}
kpkg=${KERNEL_PACKAGE:-$(apt-cache depends linux-image-amd64 2>/dev/null |
  awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ {print $2; exit}')}
[ -n "$kpkg" ] || kpkg=$(ls "$cache"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | tail -n 1 | xargs -r basename | cut -d_ -f1)
[ -n "$kpkg" ] || die "cannot tell which kernel linux-image-amd64 is (apt-get update), and none is in $cache"
kdeb=$(fetch_deb "$kpkg")
# Firmware: Debian main ships firmware-linux-free; where apt has non-free-firmware,
# FIRMWARE_PACKAGES="firmware-linux-free firmware-misc-nonfree firmware-bnx2x ..." adds theirs.
firmware_packages=${FIRMWARE_PACKAGES:-firmware-linux-free}
fwdebs=""
for p in $firmware_packages; do fwdebs="$fwdebs $(fetch_deb "$p")"; done
note "kernel package $(basename "$kdeb")"
dpkg-deb -x "$kdeb" "$work/kernel"
mkdir -p "$work/firmware"
for deb in $fwdebs; do dpkg-deb -x "$deb" "$work/firmware"; done
kver=$(ls "$work/kernel/lib/modules")
[ -f "$work/kernel/boot/vmlinuz-$kver" ] || die "$(basename "$kdeb") holds no boot/vmlinuz-$kver"
depmod -b "$work/kernel" "$kver"

root=$work/root
stage_skeleton "$root"
stage_programs "$root" "$here/contents.list" "$work/packages"
stage_busybox "$root"
stage_modules "$root" "$work/kernel" "$kver" "$here/modules.list" "$work/firmware" "$work/firmware.txt"
strip --strip-unneeded -o "$root/usr/bin/kiln-runner" "$runner"
for lib in $(ldd "$runner" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do copy_host_file "$root" "$lib" 0755; done
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
cp -r "$configs/." "$root/etc/kiln/"
[ -e /usr/share/misc/enterprise-numbers.txt ] &&
  install -D -m 0644 /usr/share/misc/enterprise-numbers.txt "$root/usr/share/misc/enterprise-numbers.txt"
cp -r "$here/rootfs/." "$root/"
chmod 0755 "$root/init" "$root"/usr/lib/kiln/*
kiln_version=$("$runner" --version 2>/dev/null | awk '{print $NF}' || echo unknown)
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
printf 'NAME="kiln burn-in image"\nVERSION="%s"\nID=kiln\nID_LIKE=debian\nKERNEL="%s"\n' \
  "$kiln_version" "$kver" > "$root/etc/os-release"
mv "$root/.modules" "$work/modules.txt"

# Reproducible archive: fixed times, names sorted, owner root, no inode numbers.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) > "$work/initramfs.cpio"
zstd -q -f "-$zstd_level" -T0 "$work/initramfs.cpio" -o "$out/kiln.initramfs"
touch -d "@$SOURCE_DATE_EPOCH" "$out/kiln.initramfs"
install -m 0644 "$work/kernel/boot/vmlinuz-$kver" "$out/kiln.kernel"
touch -d "@$SOURCE_DATE_EPOCH" "$out/kiln.kernel"
if [ $iso = 1 ]; then
  "$here/lib/iso.sh" "$out/kiln.kernel" "$out/kiln.initramfs" "$out/kiln.iso" "$work/iso"
fi

{
  echo "kiln image $kiln_version, kernel $kver ($(basename "$kdeb")), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH, zstd -$zstd_level"
  echo "initramfs: $(stat -c %s "$out/kiln.initramfs") bytes compressed, $(stat -c %s "$work/initramfs.cpio") bytes uncompressed"
  echo "kernel: $(stat -c %s "$out/kiln.kernel") bytes"
  [ -f "$out/kiln.iso" ] && echo "iso: $(stat -c %s "$out/kiln.iso") bytes"
  echo; echo "== Debian packages of the programs"; cat "$work/packages"
  echo "busybox-static $(dpkg-query -W -f='${Version}' busybox-static)"
  echo "ca-certificates $(dpkg-query -W -f='${Version}' ca-certificates)"
  for deb in $fwdebs; do echo "firmware: $(basename "$deb")"; done
  echo; echo "== largest files (bytes, uncompressed)"
  (cd "$root" && find . -type f -printf '%s %p\n' | sort -rn | awk 'NR <= 25')
  echo; echo "== kernel modules ($(wc -l < "$work/modules.txt"))"; sed 's|.*/||' "$work/modules.txt"
  echo; echo "== firmware asked for by those modules"; cat "$work/firmware.txt"
} > "$out/MANIFEST"
artifacts=(kiln.kernel kiln.initramfs); [ -f "$out/kiln.iso" ] && artifacts+=(kiln.iso)
(cd "$out" && sha256sum "${artifacts[@]}" > SHA256SUMS)
echo "$inputs" > "$out/INPUTS"
note "built in $(( $(date +%s) - started )) s: $(head -n 2 "$out/MANIFEST" | tail -n 1)"
note "$out: $(cd "$out" && ls kiln.*)"
