// efibootmgr -v as captured under OVMF (tests/data/efibootmgr/README.md).
#include "tools/efibootmgr.hpp"

#include <gtest/gtest.h>

#include "tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(Efibootmgr, ParsesOvmfDiskFirst) {
  auto c = parse_efibootmgr(data_file("efibootmgr", "ovmf-disk-first.txt"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->order, (std::vector<std::string>{"0001", "0002", "0003", "0004", "0005", "0006",
                                                "0000", "0007"}));
  ASSERT_EQ(c->entries.size(), 8U);
  const auto* disk = c->find("0001");
  ASSERT_NE(disk, nullptr);
  EXPECT_TRUE(disk->active);
  EXPECT_EQ(disk->description, "UEFI Misc Device");
  EXPECT_EQ(disk->device_path, "PciRoot(0x0)/Pci(0x3,0x0)N.....YM....R,Y.");
  EXPECT_FALSE(is_network_boot(*disk));
  const auto* ipxe = c->find("0002");
  ASSERT_NE(ipxe, nullptr);
  EXPECT_EQ(ipxe->description, "UEFI PXEv4 (MAC:525400123456)");
  EXPECT_TRUE(is_network_boot(*ipxe));  // iPXE's entry: the path ends at MAC()
  for (const char* id : {"0003", "0004", "0005", "0006"})
    EXPECT_TRUE(is_network_boot(*c->find(id))) << id;
  EXPECT_FALSE(is_network_boot(*c->find("0000")));  // UiApp
  EXPECT_FALSE(is_network_boot(*c->find("0007")));  // EFI Internal Shell
}

TEST(Efibootmgr, RefusesWhatIsNotItsOutput) {
  EXPECT_FALSE(parse_efibootmgr(""));
  EXPECT_FALSE(parse_efibootmgr(data_file("efibootmgr", "legacy-bios.err")));
  auto bad = parse_efibootmgr("BootOrder: 0001,zz\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, kEfibootmgrParseError);
  EXPECT_NE(bad.error().message.find("'zz'"), std::string::npos);
  // Cut anywhere, it never throws: a half output parses or is refused.
  const auto full = data_file("efibootmgr", "ovmf-network-first.txt");
  for (std::size_t cut = 0; cut < full.size(); cut += 37)
    (void)parse_efibootmgr(full.substr(0, cut));
}

}  // namespace
}  // namespace kiln::tools
