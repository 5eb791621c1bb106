// efibootmgr -v: the UEFI boot manager's variables as the firmware keeps them.
//   BootCurrent: 0001
//   BootOrder: 0002,0001,0000
//   Boot0001* UEFI QEMU DVD-ROM QM00003 \tPciRoot(0x0)/Pci(0x1,0x1)/Ata(1,0,0)N.....YM....R,Y.
//   Boot0002* UEFI PXEv4
//   (MAC:525400123456)\tPciRoot(0x0)/Pci(0x3,0x0)/MAC(525400123456,1)/IPv4(...)
// '*' marks an active entry; the device path follows a tab (efibootmgr 17,
// Debian 12). On a legacy-BIOS machine efibootmgr fails: "EFI variables are
// not supported on this system." (the stage checks /sys/firmware/efi first).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kEfibootmgrParseError = "KILN-PARSE-EFIBOOTMGR";

std::vector<std::string> efibootmgr_argv();  // efibootmgr -v

struct EfiBootEntry {
  std::string id;           // "0002" (four hex digits, upper case as printed)
  bool active = false;      // '*': the firmware tries it
  std::string description;  // "UEFI PXEv4 (MAC:525400123456)"
  std::string device_path;  // "PciRoot(0x0)/.../MAC(525400123456,1)/IPv4(...)"; may be empty
};

struct EfiBootConfig {
  std::string current;             // BootCurrent, "" when not printed
  std::string next;                // BootNext (a one-time override), "" when not set
  std::vector<std::string> order;  // BootOrder, first tried first
  std::vector<EfiBootEntry> entries;
  // The entry with this id, or nullptr.
  [[nodiscard]] const EfiBootEntry* find(std::string_view id) const;
};

// Errors: no BootOrder line and no Boot#### entry (not efibootmgr output), or a
// BootOrder entry that is not four hex digits.
Expected<EfiBootConfig> parse_efibootmgr(std::string_view text);

// A network boot (PXE or HTTP): the device path holds a MAC() node (the
// firmware's PXE/HTTP with IPv4()/IPv6()/Uri() after it, or a NIC option ROM
// such as iPXE), or, without a device path, the description says PXE, HTTP or
// network.
bool is_network_boot(const EfiBootEntry& entry);

}  // namespace kiln::tools
