#include "tools/dmidecode.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

TEST(DmidecodeArgv, WholeAndType) {
  EXPECT_EQ(dmidecode_argv(), (std::vector<std::string>{"dmidecode"}));
  EXPECT_EQ(dmidecode_argv(17), (std::vector<std::string>{"dmidecode", "-t", "17"}));
}

// SMBIOS strings are the vendor's bytes: what is not UTF-8 is replaced (they
// end up in the register body, the report and the OCPTV stream).
TEST(Dmidecode, BytesThatAreNotUtf8AreReplaced) {
  auto dmi = parse_dmidecode(
      "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n"
      "\tManufacturer: Vendor\xB2\n\tProduct Name: X1\n\tSerial Number: S\xFF"
      "1\n");
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  EXPECT_EQ(dmi->system.manufacturer, "Vendor\xEF\xBF\xBD");
  EXPECT_EQ(dmi->system.serial,
            "S\xEF\xBF\xBD"
            "1");
}

TEST(Dmidecode, DellR640) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "dell-poweredge-r640-full-dmidecode-3.0.txt"));
  ASSERT_TRUE(dmi.ok()) << dmi.error().message;
  EXPECT_EQ(dmi->system.manufacturer, "Dell Inc.");
  EXPECT_EQ(dmi->system.product, "PowerEdge R640");
  EXPECT_EQ(dmi->system.serial, "2RJF153");
  EXPECT_EQ(dmi->system.uuid, "4C4C4544-0052-4A10-8046-B2C04F313533");
  EXPECT_EQ(dmi->baseboard.serial, ".2RJF153.CNIVC0005G0184.");
  ASSERT_EQ(dmi->processors.size(), 2U);
  EXPECT_EQ(dmi->processors[0].socket, "CPU1");
  EXPECT_EQ(dmi->processors[0].version, "Intel(R) Xeon(R) Gold 6244 CPU @ 3.60GHz");
  EXPECT_EQ(dmi->processors[0].core_count, 8);
  EXPECT_EQ(dmi->processors[0].thread_count, 16);
  EXPECT_TRUE(dmi->processors[0].populated);
  ASSERT_EQ(dmi->memory_devices.size(), 24U);
  EXPECT_EQ(dmi->installed_dimm_count(), 8U);
  EXPECT_EQ(dmi->total_memory_mib(), 8U * 32U * 1024U);
  const DmiMemoryDevice& a1 = dmi->memory_devices[0];
  EXPECT_EQ(a1.locator, "A1");
  EXPECT_EQ(a1.size_mib, 32768U);
  EXPECT_EQ(a1.type, "DDR4");
  EXPECT_EQ(a1.speed_mts, 2933);
  EXPECT_EQ(a1.manufacturer, "00CE00B300CE");  // raw JEDEC id kept as printed
  EXPECT_EQ(a1.serial, "3780385B");
  EXPECT_EQ(a1.part_number, "M393A4K40CB2-CVF");
  const DmiMemoryDevice& empty = dmi->memory_devices[2];
  EXPECT_EQ(empty.size_text, "No Module Installed");
  EXPECT_FALSE(empty.installed);
  EXPECT_FALSE(empty.size_mib.has_value());
}

TEST(Dmidecode, SupermicroPlaceholderSerial) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "supermicro-full-dmidecode-2.12.txt"));
  ASSERT_TRUE(dmi.ok());
  EXPECT_EQ(dmi->system.serial, "0123456789");
  EXPECT_TRUE(is_placeholder_serial(dmi->system.serial));
  EXPECT_EQ(dmi->baseboard.serial, "ZM143S051601");
  EXPECT_FALSE(is_placeholder_serial(dmi->baseboard.serial));
  EXPECT_EQ(dmi->total_memory_mib(), 16U * 32U * 1024U);
  EXPECT_EQ(dmi->memory_devices[0].manufacturer, "Micron");  // trailing padding trimmed
  EXPECT_EQ(dmi->processors[1].socket, "SOCKET 1");
}

TEST(Dmidecode, OldHpUnpopulatedSocketAndOutOfSpecType) {
  auto dmi = parse_dmidecode(data_file("dmidecode", "hp-proliant-dl180-g6-full-dmidecode-2.9.txt"));
  ASSERT_TRUE(dmi.ok());
  EXPECT_EQ(dmi->system.product, "ProLiant DL180 G6");
  EXPECT_EQ(dmi->system.serial, "CZJ02901TG");
  ASSERT_EQ(dmi->processors.size(), 2U);
  EXPECT_TRUE(dmi->processors[0].populated);
  EXPECT_FALSE(dmi->processors[1].populated);
  EXPECT_EQ(dmi->processors[1].status, "Unpopulated");
  EXPECT_EQ(dmi->installed_dimm_count(), 2U);
  EXPECT_EQ(dmi->total_memory_mib(), 4096U);
  const DmiMemoryDevice& dimm = dmi->memory_devices[0];
  EXPECT_EQ(dimm.type, "<OUT OF SPEC>");
  EXPECT_EQ(dimm.speed_mts, 1333);  // "1333 MHz (0.8 ns)"
}

TEST(Dmidecode, TypeOneOnlyAllPlaceholders) {
  auto dmi = parse_dmidecode(
      data_file("dmidecode", "asrock-nas-dmidecode-type-system-all-to-be-filled-no-uuid.txt"));
  ASSERT_TRUE(dmi.ok());
  EXPECT_EQ(dmi->system.serial, "To Be Filled By O.E.M.");
  EXPECT_TRUE(is_placeholder_serial(dmi->system.serial));
  EXPECT_EQ(dmi->system.uuid, "");
  EXPECT_TRUE(dmi->memory_devices.empty());
}

TEST(Dmidecode, SizeUnits) {
  EXPECT_EQ(parse_dmi_size_mib("8192 MB"), 8192U);
  EXPECT_EQ(parse_dmi_size_mib("16 GB"), 16384U);
  EXPECT_EQ(parse_dmi_size_mib("32 GiB"), 32768U);
  EXPECT_EQ(parse_dmi_size_mib("1 TB"), 1048576U);
  EXPECT_EQ(parse_dmi_size_mib("2048 kB"), 2U);
  EXPECT_FALSE(parse_dmi_size_mib("No Module Installed").has_value());
  EXPECT_FALSE(parse_dmi_size_mib("Unknown").has_value());
  EXPECT_FALSE(parse_dmi_size_mib("").has_value());
  EXPECT_FALSE(parse_dmi_size_mib("99999999999999999999 GB").has_value());
}

TEST(Dmidecode, PlaceholderSerials) {
  for (std::string_view s :
       {"To Be Filled By O.E.M.", "to be filled by o.e.m.", "Not Specified", "0123456789",
        "123456789", "9876543210", "Default string", "System Serial Number", "............",
        "XXXXXXXX", "00000000", "", "  ", "N/A"}) {
    EXPECT_TRUE(is_placeholder_serial(s)) << s;
  }
  for (std::string_view s : {"2RJF153", "CZJ02901TG", "ZM143S051601", "4242"}) {
    EXPECT_FALSE(is_placeholder_serial(s)) << s;
  }
}

TEST(Dmidecode, EmptyGarbageTruncated) {
  EXPECT_EQ(parse_dmidecode("").error().code, "KILN-PARSE-DMIDECODE");
  EXPECT_FALSE(parse_dmidecode("/dev/mem: Permission denied\n").ok());
  auto half = parse_dmidecode(
      testing::first_half(data_file("dmidecode", "dell-poweredge-r640-full-dmidecode-3.0.txt")));
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->system.serial, "2RJF153");
}

}  // namespace
}  // namespace kiln::tools
