// The parsers of what the inventory records as firmware, on real captures:
// dmidecode type 0 (BIOS) and type 17 speeds, `ipmitool mc info`, `ethtool -i`.
#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"
#include "tools/dmidecode.hpp"
#include "tools/ethtool.hpp"
#include "tools/ipmitool_mc_info.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(DmidecodeBios, DellR640) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "dell-poweredge-r640-full-dmidecode-3.0.txt"));
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  ASSERT_TRUE(dmi->bios.present);
  EXPECT_EQ(dmi->bios.vendor, "Dell Inc.");
  EXPECT_EQ(dmi->bios.version, "2.6.4");
  EXPECT_EQ(dmi->bios.release_date, "04/09/2020");
  EXPECT_EQ(dmi->bios.bios_revision, "2.6");
  EXPECT_EQ(dmi->bios.firmware_revision, "");
}

// The Quanta prints its version with trailing blanks and an EC firmware revision.
TEST(DmidecodeBios, QuantaVersionTrimmedAndEmbeddedController) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "quanta-s2s-full-dmidecode-2.12.txt"));
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  EXPECT_EQ(dmi->bios.version, "S2S_3A14");
  EXPECT_EQ(dmi->bios.firmware_revision, "3.16");
}

TEST(DmidecodeBios, AbsentWithoutTypeZero) {
  auto dmi = parse_dmidecode(
      "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: X\n");
  ASSERT_TRUE(dmi.ok());
  EXPECT_FALSE(dmi->bios.present);
}

// Rated 2133 MHz, configured 1866 MHz on every DIMM of this Quanta: what
// dimm_speed_at_rated must catch ("Configured Clock Speed", dmidecode 2.12).
TEST(DmidecodeDimmSpeed, QuantaConfiguredBelowRated) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "quanta-s2s-full-dmidecode-2.12.txt"));
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  int installed = 0;
  for (const auto& m : dmi->memory_devices) {
    if (!m.installed) continue;
    ++installed;
    EXPECT_EQ(m.speed_mts, 2133) << m.locator;
    EXPECT_EQ(m.configured_speed_mts, 1866) << m.locator;
    EXPECT_EQ(m.part_number, "M393A2G40DB0-CPB") << m.locator;
  }
  EXPECT_EQ(installed, 16);
}

// An empty slot has "Unknown" speeds: no number, never 0.
TEST(DmidecodeDimmSpeed, MicrocloudUnknownAndMtPerSecond) {
  auto dmi = parse_dmidecode(
      data_file("dmidecode", "supermicro-sys-5039ms-microcloud-full-dmidecode-3.1.txt"));
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  bool saw_empty = false;
  bool saw_slow = false;
  for (const auto& m : dmi->memory_devices) {
    if (!m.installed) {
      saw_empty = true;
      EXPECT_FALSE(m.configured_speed_mts.has_value()) << m.locator;
      continue;
    }
    if (m.locator == "DIMMA2") {
      saw_slow = true;
      EXPECT_EQ(m.speed_mts, 2400);
      EXPECT_EQ(m.configured_speed_mts, 2133);
      EXPECT_EQ(m.configured_speed_text, "2133 MT/s");
    }
  }
  EXPECT_TRUE(saw_empty);
  EXPECT_TRUE(saw_slow);
}

// dmidecode >= 3.2 says "Configured Memory Speed".
TEST(DmidecodeDimmSpeed, ConfiguredMemorySpeedSpelling) {
  auto dmi = parse_dmidecode(
      "Handle 0x1100, DMI type 17, 84 bytes\nMemory Device\n\tSize: 32 GB\n\tLocator: A1\n"
      "\tSpeed: 3200 MT/s\n\tPart Number: M393A4K40DB3-CWE\n\tConfigured Memory Speed: 2933 "
      "MT/s\n");
  ASSERT_TRUE(dmi.ok());
  ASSERT_EQ(dmi->memory_devices.size(), 1U);
  EXPECT_EQ(dmi->memory_devices[0].speed_mts, 3200);
  EXPECT_EQ(dmi->memory_devices[0].configured_speed_mts, 2933);
}

TEST(IpmitoolMcInfo, SupermicroWithAuxBytes) {
  auto bmc = parse_ipmitool_mc_info(data_file("ipmitool-mc", "supermicro-x11sch-ln4f-fw1.74.txt"));
  ASSERT_TRUE(bmc.ok()) << bmc.error().message;
  EXPECT_EQ(bmc->firmware_revision, "1.74");
  EXPECT_EQ(bmc->ipmi_version, "2.0");
  EXPECT_EQ(bmc->manufacturer, "Super Micro Computer Inc.");
  EXPECT_EQ(bmc->product, "X11SCH-LN4F");
  EXPECT_EQ(bmc->product_id, "6929 (0x1b11)");
  EXPECT_EQ(bmc->aux_firmware, (std::vector<std::string>{"0x19", "0x01", "0x00", "0x00"}));
  EXPECT_EQ(bmc->firmware_text(), "1.74 (aux 0x19 0x01 0x00 0x00)");
}

// The "Additional Device Support" items are not aux bytes; unknown names kept as printed.
TEST(IpmitoolMcInfo, UnknownManufacturerAndProduct) {
  auto bmc = parse_ipmitool_mc_info(
      data_file("ipmitool-mc", "lanplus-manufacturer-unknown-0x168b-fw1.04.txt"));
  ASSERT_TRUE(bmc.ok()) << bmc.error().message;
  EXPECT_EQ(bmc->firmware_revision, "1.04");
  EXPECT_EQ(bmc->manufacturer, "Unknown (0x168B)");
  EXPECT_EQ(bmc->product, "Unknown (0x5)");
  EXPECT_EQ(bmc->aux_firmware.size(), 4U);
}

TEST(IpmitoolMcInfo, IbmAuxOnlyPartlyZero) {
  auto bmc = parse_ipmitool_mc_info(data_file("ipmitool-mc", "ibm-imm-fw1.24-product-unknown.txt"));
  ASSERT_TRUE(bmc.ok()) << bmc.error().message;
  EXPECT_EQ(bmc->firmware_text(), "1.24 (aux 0x00 0x00 0x1b 0x41)");
}

TEST(IpmitoolMcInfo, AllZeroAuxIsOmitted) {
  auto bmc = parse_ipmitool_mc_info(
      "Firmware Revision         : 2.18\nAux Firmware Rev Info     : \n    0x00\n    0x00\n"
      "    0x00\n    0x00\n");
  ASSERT_TRUE(bmc.ok());
  EXPECT_EQ(bmc->firmware_text(), "2.18");
}

TEST(IpmitoolMcInfo, Errors) {
  EXPECT_FALSE(parse_ipmitool_mc_info("").ok());
  auto truncated = parse_ipmitool_mc_info(
      testing::first_half(data_file("ipmitool-mc", "supermicro-x11sch-ln4f-fw1.74.txt"))
          .substr(0, 60));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("Firmware Revision"), std::string::npos);
  EXPECT_FALSE(parse_ipmitool_mc_info("Could not open device at /dev/ipmi0 or /dev/ipmi/0").ok());
}

TEST(EthtoolDriverInfo, IxgbeFirmwareWithComma) {
  auto nic = parse_ethtool_driver_info(data_file("ethtool", "ixgbe-5.3.7-fw-0x800003df.txt"));
  ASSERT_TRUE(nic.ok()) << nic.error().message;
  EXPECT_EQ(nic->driver, "ixgbe");
  EXPECT_EQ(nic->version, "5.3.7");
  EXPECT_EQ(nic->firmware, "0x800003df, 255.65535.255");
  EXPECT_EQ(nic->expansion_rom, "");
  EXPECT_EQ(nic->bus_info, "0000:01:00.0");
}

TEST(EthtoolDriverInfo, Tg3) {
  auto nic = parse_ethtool_driver_info(data_file("ethtool", "tg3-debian11-fw-sb.txt"));
  ASSERT_TRUE(nic.ok()) << nic.error().message;
  EXPECT_EQ(nic->driver, "tg3");
  EXPECT_EQ(nic->firmware, "sb");
}

// ethtool 6.1 prints an empty firmware-version with a trailing space.
TEST(EthtoolDriverInfo, VirtioWithoutFirmware) {
  auto nic = parse_ethtool_driver_info(data_file("ethtool", "virtio-net-kiln-rig-no-firmware.txt"));
  ASSERT_TRUE(nic.ok()) << nic.error().message;
  EXPECT_EQ(nic->driver, "virtio_net");
  EXPECT_EQ(nic->firmware, "");
  EXPECT_EQ(nic->bus_info, "0000:00:03.0");
}

TEST(EthtoolDriverInfo, Errors) {
  EXPECT_FALSE(parse_ethtool_driver_info("").ok());
  auto refused = parse_ethtool_driver_info(data_file("ethtool", "lo-not-supported.txt"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("Operation not supported"), std::string::npos);
  EXPECT_EQ(ethtool_driver_info_argv("eth0"), (std::vector<std::string>{"ethtool", "-i", "eth0"}));
}

}  // namespace
}  // namespace kiln::tools
