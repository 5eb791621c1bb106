# shellcheck shell=bash
# QEMU guest helpers for the hw tests (sourced; bash). The guest boots kiln's
# image under TCG with: in-band IPMI (ipmi-bmc-extern -> scripts/bmc-sim.sh's
# ipmi_sim, also answering IPMI LAN), an AHCI and an NVMe disk with serials,
# and user networking in which 10.0.2.2 is the host's 127.0.0.1.

# Extra QEMU firmware arguments (OVMF from pflash) and options of the NIC's -device
# (",bootindex=1"): the boot-order cases set them (lib/boot_order.sh); the agent cases
# (lib/agent.sh) give the NIC a known MAC (",mac=...") and the user network a port
# forward to the guest (GUEST_NETDEV_OPTS=",hostfwd=...").
GUEST_FIRMWARE=(); GUEST_NIC_OPTS=""; GUEST_NETDEV_OPTS=""
# -no-reboot: a reset ends QEMU (the default). The reboot cases (lib/reboot.sh) clear it so
# the guest boots again, and add a monitor socket and a second serial port (GUEST_EXTRA).
GUEST_NO_REBOOT=-no-reboot; GUEST_EXTRA=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A compressed cpio appended to kiln.initramfs: the kernel unpacks both, so
# files here replace the image's (the hw tests' profiles and delivery under
# /etc/kiln). Compressed, it may start at any offset (an uncompressed one would
# have to start on a 4-byte boundary).
initramfs_with_overlay() {  # IMAGE_INITRAMFS OVERLAY_DIR OUT
  cp "$1" "$3"
  (cd "$2" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | zstd -q -3 >> "$3"
}

# start_bmc DIR SERIAL ASSET: ipmi_sim with LAN on BMC_LAN_PORT and the guest's
# in-band port BMC_VM_PORT (both set here).
start_bmc() {
  BMC_LAN_PORT=$(free_port); BMC_VM_PORT=$(free_port)
  "$SRC/scripts/bmc-sim.sh" start "$1" "$BMC_LAN_PORT" "$2" "$3" --vm-port "$BMC_VM_PORT" > /dev/null
}
# ipmitool over IPMI LAN to that BMC
ipmi_lan() { ipmitool -I lanplus -H 127.0.0.1 -p "$BMC_LAN_PORT" -U admin -P kilnpw -C 3 "$@"; }
stop_bmc() { "$SRC/scripts/bmc-sim.sh" stop "$1" 2>/dev/null || true; }

# boot_guest LOG TIMEOUT_S INITRAMFS CMDLINE DISK_ARGS...: runs QEMU until the
# guest powers off (or TIMEOUT_S); the serial console goes to LOG, QEMU's pid
# to LOG.pid. Returns
# QEMU's status (124: timed out).
boot_guest() {
  local log=$1 limit=$2 initrd=$3 cmdline=$4
  shift 4
  timeout --kill-after=10 "$limit" qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 1536 \
    -nographic ${GUEST_NO_REBOOT:+"$GUEST_NO_REBOOT"} -pidfile "$log.pid" "${GUEST_FIRMWARE[@]}" "${GUEST_EXTRA[@]}" -kernel "$IMAGE/kiln.kernel" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet $cmdline" \
    -chardev "socket,id=bmcchr,host=127.0.0.1,port=$BMC_VM_PORT,reconnect=10" \
    -device ipmi-bmc-extern,id=bmc0,chardev=bmcchr -device isa-ipmi-kcs,bmc=bmc0 \
    -netdev "user,id=net0$GUEST_NETDEV_OPTS" -device "virtio-net-pci,netdev=net0$GUEST_NIC_OPTS" \
    "$@" < /dev/null > "$log" 2>&1
}

# QEMU arguments for the two test disks: an AHCI (SATA) disk and an NVMe disk.
ahci_disk() {  # FILE SERIAL [blkdebug.conf]
  local drive="file=$1,format=raw"
  [ -n "${3:-}" ] && drive="driver=raw,file.driver=blkdebug,file.config=$3,file.image.filename=$1"
  echo "-device ahci,id=ahci0 -drive if=none,id=sata0,$drive -device ide-hd,drive=sata0,bus=ahci0.0,serial=$2,model=KILN-HW-SATA"
}
# A SCSI disk on virtio-scsi (QEMU scsi-hd: no SANITIZE, no REPORT SUPPORTED OPERATION CODES).
scsi_disk() {  # FILE SERIAL
  echo "-device virtio-scsi-pci,id=vscsi0 -drive if=none,id=scsid0,file=$1,format=raw -device scsi-hd,drive=scsid0,bus=vscsi0.0,serial=$2"
}
nvme_disk() {  # FILE SERIAL [blkdebug.conf]
  local drive="file=$1,format=raw"
  [ -n "${3:-}" ] && drive="driver=raw,file.driver=blkdebug,file.config=$3,file.image.filename=$1"
  echo "-drive if=none,id=nvm0,$drive -device nvme,drive=nvm0,serial=$2"
}
