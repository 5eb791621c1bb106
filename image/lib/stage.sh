# shellcheck shell=bash
# Functions that fill the image's root folder; sourced by image/build.sh.
# The root uses Debian 12's merged /usr: /bin, /sbin, /lib, /lib64 are links
# into /usr, so a path as the host names it (/lib/x86_64-linux-gnu/libc.so.6)
# lands where the host keeps it (/usr/lib/...), whichever of the two ldd prints.

die() { echo "image: error: $*" >&2; exit 1; }
note() { echo "image: $*" >&2; }

# The path a host file has under merged /usr: /sbin/ip -> /usr/sbin/ip.
usr_path() {
  case $1 in
    /bin/* | /sbin/* | /lib/* | /lib64/*) echo "/usr$1" ;;
    *) echo "$1" ;;
  esac
}

stage_skeleton() {  # ROOT
  local root=$1
  mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{dev,proc,sys,run,tmp,root,mnt,var/log,etc/kiln}
  ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"
  ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
  chmod 1777 "$root/tmp"
}

# Copies a host file (following links) to the same path under ROOT.
copy_host_file() {  # ROOT FILE MODE
  local dest
  dest=$1$(usr_path "$2")
  [ -e "$dest" ] && return 0
  install -D -m "$3" "$(readlink -f "$2")" "$dest"
}

# A program and every shared library the dynamic loader resolves for it.
copy_program() {  # ROOT PROGRAM
  local root=$1 prog=$2 lib out
  [ -x "$prog" ] || die "program $prog is missing on this host (make deps installs it)"
  copy_host_file "$root" "$prog" 0755
  out=$(ldd "$prog" 2>&1) || { case $out in *"not a dynamic executable"*) return 0 ;; esac; die "ldd $prog: $out"; }
  if grep -q "not found" <<< "$out"; then die "ldd $prog: a library is missing: $(grep "not found" <<< "$out")"; fi
  for lib in $(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<< "$out"); do
    copy_host_file "$root" "$lib" 0755
  done
}

# Every program named in contents.list; writes "package version" lines to PACKAGES.
stage_programs() {  # ROOT CONTENTS_LIST PACKAGES_OUT
  local root=$1 list=$2 out=$3 pkg progs version p
  : > "$out"
  while read -r pkg progs; do
    case $pkg in '' | '#'*) continue ;; esac
    version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
      die "Debian package $pkg (contents.list) is not installed: run make deps"
    echo "$pkg $version" >> "$out"
    if [ "$progs" = "*" ]; then
      progs=$(dpkg -L "$pkg" | grep -E '^/(usr/)?s?bin/[^/]+$' | sort)
    fi
    for p in $progs; do copy_program "$root" "$p"; done
  done < "$list"
  # the loader at the path every x86-64 program names
  copy_host_file "$root" /lib64/ld-linux-x86-64.so.2 0755
}

# busybox (static) supplies the shell and small utilities where no real tool is.
stage_busybox() {  # ROOT
  local root=$1 applet path
  local bb=/bin/busybox
  file -L "$bb" 2>/dev/null | grep -q "statically linked" ||
    die "$bb is not the static busybox (apt-get install busybox-static)"
  install -D -m 0755 "$bb" "$root/usr/bin/busybox"
  for applet in $("$bb" --list-full); do
    path=$(usr_path "/$applet")
    # the real tools (ip, ping, blkid, modprobe...) win over busybox's applets
    [ -e "$root$path" ] || [ -L "$root$path" ] || [ -e "$root/usr/bin/${path##*/}" ] ||
      [ -e "$root/usr/sbin/${path##*/}" ] || ln -s /usr/bin/busybox "$root$path"
  done
  # kmod is one program under many names
  for applet in modprobe insmod rmmod lsmod modinfo depmod; do
    ln -sf /usr/bin/kmod "$root/usr/sbin/$applet"
  done
}

# The modules named in LIST, their dependency closure, and the firmware they
# ask for where FWROOT (extracted Debian firmware packages) has it.
stage_modules() {  # ROOT KROOT KVER LIST FWROOT FIRMWARE_OUT
  local root=$1 kroot=$2 kver=$3 list=$4 fwroot=$5 fwout=$6 m ko fw
  local mods
  mods=$(grep -v '^#' "$list" | tr -s ' \n' '\n' | sed '/^$/d')
  for m in $mods; do
    modprobe -d "$kroot" -S "$kver" --show-depends "$m" >/dev/null 2>&1 ||
      die "kernel module $m (modules.list) is not in the kernel package ($kver)"
  done
  for m in $mods; do
    modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
  done | sort -u > "$root/.modules"
  while read -r ko; do
    install -D -m 0644 "$ko" "$root/usr${ko#"$kroot"}"
  done < "$root/.modules"
  cp "$kroot/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$root/usr/lib/modules/$kver/"
  depmod -b "$root" "$kver" || die "depmod failed for $kver"
  : > "$fwout"
  while read -r ko; do
    for fw in $(modinfo -F firmware "$ko" 2>/dev/null); do
      if [ -e "$fwroot/lib/firmware/$fw" ]; then
        install -D -m 0644 "$fwroot/lib/firmware/$fw" "$root/usr/lib/firmware/$fw"
        echo "present $fw ($(basename "$ko"))" >> "$fwout"
      else
        echo "absent  $fw ($(basename "$ko"))" >> "$fwout"
      fi
    done
  done < "$root/.modules"
  sed "s|^$kroot||" "$root/.modules" > "$root/.modules.rel" && mv "$root/.modules.rel" "$root/.modules"
}
