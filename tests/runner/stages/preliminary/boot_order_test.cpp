// The boot-order rule (require_network_boot_first) judged on efibootmgr -v
// captured under OVMF (tests/data/efibootmgr/README.md).
#include "stages/preliminary/boot_order.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::runner {
namespace {

using tools::parse_efibootmgr;
using tools::testing::data_file;

TEST(BootOrder, DiskFirstBreaksTheRuleNamingOrderAndRemedy) {
  auto c = parse_efibootmgr(data_file("efibootmgr", "ovmf-disk-first.txt"));
  ASSERT_TRUE(c);
  auto problem = network_boot_first_problem(*c);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->first, "Boot0001 'UEFI Misc Device' first, not a network boot");
  EXPECT_EQ(problem->order.rfind("0001 UEFI Misc Device, 0002 UEFI PXEv4", 0), 0U)
      << problem->order;
  EXPECT_EQ(problem->network,
            "the first network boot is Boot0002 (in-band: efibootmgr -o 0002,...)");
}

TEST(BootOrder, NetworkFirstMeetsTheRule) {
  auto c = parse_efibootmgr(data_file("efibootmgr", "ovmf-network-first.txt"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->order.front(), "0002");
  EXPECT_FALSE(network_boot_first_problem(*c));
}

TEST(BootOrder, InactiveEntriesAreSkippedAndBootNextIsKept) {
  auto c = parse_efibootmgr(
      "BootCurrent: 0003\nBootNext: 0001\nTimeout: 1 seconds\nBootOrder: 0003,0001,0002\n"
      "Boot0001* Debian\tHD(1,GPT,abcd,0x800,0x100000)/File(\\EFI\\debian\\shimx64.efi)\n"
      "Boot0002* IPv4 PXE\tPciRoot(0x0)/Pci(0x1c,0x0)/MAC(3cecef012345,0)/IPv4(0.0.0.0,0,DHCP)\n"
      "Boot0003  Old PXE\tPciRoot(0x0)/Pci(0x1c,0x1)/MAC(3cecef012346,0)\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->current, "0003");
  EXPECT_EQ(c->next, "0001");
  EXPECT_FALSE(c->find("0003")->active);
  // The inactive network entry does not count: the disk is the first the firmware tries.
  auto problem = network_boot_first_problem(*c);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->first, "Boot0001 'Debian' first, not a network boot");
  EXPECT_EQ(problem->order, "0003 Old PXE (inactive), 0001 Debian, 0002 IPv4 PXE");
  EXPECT_EQ(problem->network,
            "the first network boot is Boot0002 (in-band: efibootmgr -o 0002,...)");
}

TEST(BootOrder, NoNetworkEntryAtAllNamesTheFirmwareSetting) {
  auto c = parse_efibootmgr("BootOrder: 0000\nBoot0000* UiApp\tFvVol(x)/FvFile(y)\n");
  ASSERT_TRUE(c);
  auto problem = network_boot_first_problem(*c);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->first, "Boot0000 'UiApp' first, not a network boot");
  EXPECT_EQ(problem->network,
            "no active entry boots from the network: enable PXE or HTTP boot on a NIC in the "
            "firmware setup");
}

TEST(BootOrder, OnlyInactiveEntriesBreakTheRule) {
  auto c = parse_efibootmgr(
      "BootOrder: 0001\nBoot0001  Debian\tHD(1,GPT,abcd,0x800,0x100000)/File(\\EFI\\x.efi)\n");
  ASSERT_TRUE(c) << c.error().message;
  auto problem = network_boot_first_problem(*c);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->first, "no active entry");
  EXPECT_EQ(problem->order, "0001 Debian (inactive)");
}

}  // namespace
}  // namespace kiln::runner
