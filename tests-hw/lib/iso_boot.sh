# shellcheck shell=bash
# The ISO cases of hw_test.sh (sourced): boot kiln.iso as a CD under SeaBIOS
# (iso_bios) or OVMF (iso_uefi); pass once kiln-runner has started with the
# in-band BMC, both disks and a DHCP lease. Exits the test. Uses hw_test.sh's
# IMAGE, started, skip().
iso_boot() {
  local case_=$1
  firmware=(); qemu_pid=""
  [ -f "$IMAGE/kiln.iso" ] || skip "no $IMAGE/kiln.iso (make image builds it)"
  if [ "$case_" = iso_uefi ]; then
    [ -f /usr/share/ovmf/OVMF.fd ] || skip "no UEFI firmware /usr/share/ovmf/OVMF.fd (apt-get install ovmf)"
    firmware=(-bios /usr/share/ovmf/OVMF.fd)
  fi
  tmp=$(mktemp -d /tmp/kiln-hw-iso.XXXXXX)
  trap 'kill "$qemu_pid" 2>/dev/null; stop_bmc "$tmp/bmc"; rm -rf "$tmp"' EXIT
  start_bmc "$tmp/bmc" KILN-HW-0001 PO-2026-0042
  truncate -s 32M "$tmp/sata.raw" "$tmp/nvme.raw"
  # shellcheck disable=SC2046
  qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 1536 -nographic -no-reboot "${firmware[@]}" \
    -cdrom "$IMAGE/kiln.iso" -boot d \
    -chardev "socket,id=bmcchr,host=127.0.0.1,port=$BMC_VM_PORT,reconnect=10" \
    -device ipmi-bmc-extern,id=bmc0,chardev=bmcchr -device isa-ipmi-kcs,bmc=bmc0 \
    -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
    $(ahci_disk "$tmp/sata.raw" KILN-SATA-0001) $(nvme_disk "$tmp/nvme.raw" KILN-NVME-0001) \
    < /dev/null > "$tmp/serial.log" 2>&1 &
  qemu_pid=$!
  end=$(($(date +%s) + 300))
  while ! grep -q "starting kiln-runner" "$tmp/serial.log"; do
    if ! kill -0 "$qemu_pid" 2>/dev/null || [ "$(date +%s)" -ge "$end" ]; then
      tail -n 40 "$tmp/serial.log" >&2
      echo "FAIL ($case_): kiln-runner did not start from the ISO within 300 s" >&2
      exit 1
    fi
    sleep 1
  done
  sleep 1
  grep -a "kiln:" "$tmp/serial.log" | tr -d '\r'
  local want
  for want in "BMC /dev/ipmi0" "eth0 10.0.2.15" "/dev/nvme0n1" "/dev/sda"; do
    grep -aq "$want" "$tmp/serial.log" || { echo "FAIL ($case_): '$want' missing on the console" >&2; exit 1; }
  done
  # shellcheck disable=SC2154  # started: set by hw_test.sh
  echo "hw $case_ passed: GRUB booted kiln.iso's kernel and init; kiln-runner started after $(($(date +%s) - started)) s"
  exit 0
}
