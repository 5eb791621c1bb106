// The boot-order rule of a delivery (`require_network_boot_first`): a server
// must try the network (PXE or HTTP) before its disks, or a reinstall from the
// provisioning system silently boots the old OS. On UEFI the order is read
// in-band (efibootmgr); on legacy BIOS it cannot be (the IPMI boot flags only
// show a one-time override), so the check is skipped, never passed.
#pragma once

#include <optional>
#include <string>

#include "tools/efibootmgr.hpp"

namespace kiln::runner {

// "0002 UEFI PXEv4 (MAC:525400123456), 0001 UEFI Misc Device, ..." (active
// entries of BootOrder; inactive ones marked "(inactive)").
std::string describe_boot_order(const tools::EfiBootConfig& config);

// Why a BootOrder breaks the rule, as the arguments of the failure code
// KILN-BOOT-NOT-NETWORK-FIRST.
struct BootOrderProblem {
  std::string first;    // "Boot0001 'UEFI Misc Device' first, not a network boot"
  std::string order;    // describe_boot_order()
  std::string network;  // the in-band fix, or that no entry boots from the network
};

// nullopt when the first active BootOrder entry is a network boot; else why
// not, with the order found and the fix.
std::optional<BootOrderProblem> network_boot_first_problem(const tools::EfiBootConfig& config);

}  // namespace kiln::runner
