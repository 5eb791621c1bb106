# shellcheck shell=bash
# The boot-order cases of hw_test.sh (sourced): the guest boots with OVMF from
# pflash (code + its own variable store) with the NVMe disk and the NIC in a
# given boot order, and the delivery requires network boot first.
#   bootorder_disk: NVMe bootindex 1, NIC 2 -> preliminary FAILs naming the entry first and the order
#   bootorder_net:  NIC bootindex 1, NVMe 2 -> the boot-order check passes
#   bootorder_bios: SeaBIOS (legacy) -> the check is UNKNOWN, never a PASS
# OVMF registers its boot options (Boot####, BootOrder from QEMU's bootindex) in
# the variable store while it looks for something to boot; a guest started with
# -kernel boots before that. So a first boot without a kernel fills a fresh copy
# of OVMF_VARS, and the burn-in boot (-kernel) reads that store with efibootmgr.
# Uses hw_test.sh's tmp, fail(), skip().
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# bootorder_firmware CASE: sets GUEST_FIRMWARE (QEMU arguments), GUEST_NIC_OPTS and
# BOOTORDER_DISKS (the disks' QEMU arguments with their bootindex).
bootorder_firmware() {
  local case_=$1 nvme_index nic_index
  case $case_ in
    bootorder_disk) nvme_index=1; nic_index=2 ;;
    bootorder_net) nvme_index=2; nic_index=1 ;;
    bootorder_bios) GUEST_FIRMWARE=(); GUEST_NIC_OPTS=""
      BOOTORDER_DISKS="$(ahci_disk "$tmp/sata.raw" KILN-SATA-0001) $(nvme_disk "$tmp/nvme.raw" KILN-NVME-0001)"
      return 0 ;;
  esac
  [ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || skip "no $OVMF_CODE / $OVMF_VARS (apt-get install ovmf)"
  cp "$OVMF_VARS" "$tmp/ovmf-vars.fd"
  GUEST_FIRMWARE=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
    -drive "if=pflash,format=raw,unit=1,file=$tmp/ovmf-vars.fd")
  GUEST_NIC_OPTS=",bootindex=$nic_index"
  BOOTORDER_DISKS="$(ahci_disk "$tmp/sata.raw" KILN-SATA-0001) -drive if=none,id=nvm0,file=$tmp/nvme.raw,format=raw"
  BOOTORDER_DISKS="$BOOTORDER_DISKS -device nvme,drive=nvm0,serial=KILN-NVME-0001,bootindex=$nvme_index"
}

# bootorder_register DISK_ARGS...: the first boot, without a kernel, until OVMF's
# boot manager tries its first option (the options and BootOrder are stored by
# then), then QEMU is stopped.
bootorder_register() {
  local log=$tmp/ovmf-first-boot.log pid end
  qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 1536 -nographic -no-reboot \
    "${GUEST_FIRMWARE[@]}" -netdev user,id=net0 -device "virtio-net-pci,netdev=net0$GUEST_NIC_OPTS" \
    "$@" < /dev/null > "$log" 2>&1 &
  pid=$!
  end=$(($(date +%s) + 240))
  until grep -aq "BdsDxe: loading Boot\|BdsDxe: failed to load Boot\|Shell>" "$log"; do
    if ! kill -0 "$pid" 2> /dev/null || [ "$(date +%s)" -ge "$end" ]; then
      kill "$pid" 2> /dev/null; tail -c 2000 "$log" >&2
      fail "OVMF's first boot never reached its boot manager within 240 s"
    fi
    sleep 1
  done
  sleep 2
  kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null || true
  echo "OVMF first boot: $(grep -ao 'BdsDxe: [a-z ]*Boot[0-9A-F]* "[^"]*"' "$log" | head -1)"
}

# bootorder_check CASE: the report's preliminary stage after the burn-in boot.
bootorder_check() {
  local case_=$1 diagnoses
  diagnoses=$(stage_field preliminary '["diagnoses"]')
  echo "preliminary diagnoses: $diagnoses"
  case $case_ in
    bootorder_disk)
      grep -q "KILN VERDICT: FAIL" "$tmp/serial.log" || fail "the verdict is not FAIL"
      [ "$(stage_field preliminary '["verdict"]')" = FAIL ] || fail "preliminary did not FAIL"
      grep -q "KILN-BOOT-NOT-NETWORK-FIRST" <<< "$diagnoses" || fail "no KILN-BOOT-NOT-NETWORK-FIRST diagnosis"
      grep -q "first, not a network boot" <<< "$diagnoses" || fail "the diagnosis does not name the entry that boots first"
      grep -q "efibootmgr -o" <<< "$diagnoses" || fail "the diagnosis gives no remedy" ;;
    bootorder_net)
      grep -q "KILN VERDICT: PASS" "$tmp/serial.log" || fail "the verdict is not PASS"
      grep -q "boot-order-network-first" <<< "$diagnoses" || fail "no boot-order-network-first diagnosis" ;;
    bootorder_bios)
      grep -q "boot-order-unknown" <<< "$diagnoses" || fail "no boot-order-unknown diagnosis on legacy BIOS"
      grep -q "boot-order-network-first" <<< "$diagnoses" && fail "a PASS on legacy BIOS"
      grep -q "legacy BIOS" <<< "$diagnoses" || fail "the diagnosis does not say legacy BIOS" ;;
  esac
}
