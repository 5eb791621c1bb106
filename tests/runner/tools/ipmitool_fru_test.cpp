#include "tools/ipmitool_fru.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

FruInfo parse_ok(std::string_view name) {
  auto fru = parse_ipmitool_fru(data_file("ipmitool-fru", name));
  EXPECT_TRUE(fru.ok()) << (fru.ok() ? "" : fru.error().message);
  return fru.ok() ? fru.value() : FruInfo{};
}

TEST(IpmitoolFruArgv, InBandAndLan) {
  EXPECT_EQ(ipmitool_fru_argv(), (std::vector<std::string>{"ipmitool", "fru", "print", "0"}));
  IpmiLanTarget lan{"10.0.0.5", 6230, "admin", "secret"};
  EXPECT_EQ(
      ipmitool_fru_argv(lan),
      (std::vector<std::string>{"ipmitool", "-I", "lanplus", "-H", "10.0.0.5", "-p", "6230", "-U",
                                "admin", "-P", "secret", "-C", "3", "fru", "print", "0"}));
}

// Found by fuzz/ (target fru): a FRU string that is not UTF-8 made resolve()
// throw nlohmann's type_error 316 while hashing the config (and would have
// made the runner's register body and report unwritable): now replaced.
TEST(IpmitoolFru, BytesThatAreNotUtf8AreReplaced) {
  auto fru = parse_ipmitool_fru(
      "FRU Device Description : Builtin FRU Device (ID 0)\n"
      " Product Name          : Server X\xB2\n"
      " Product Serial        : KILN-\xFF\xFF\n"
      " Product Asset Tag     : PO-2026-0042\n");
  ASSERT_TRUE(fru.ok()) << fru.error().message;
  EXPECT_EQ(fru->product_name, "Server X\xEF\xBF\xBD");
  EXPECT_EQ(fru->product_serial, "KILN-\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(fru->product_asset_tag, "PO-2026-0042");
  EXPECT_NO_THROW((void)nlohmann::json(fru->devices[0].fields).dump());
}

TEST(IpmitoolFru, DellR640BlankAssetTagAndPaddedSerial) {
  FruInfo fru = parse_ok("dell-r640-empty-asset-tag.txt");
  EXPECT_EQ(fru.product_serial, "2RJF153");  // trailing padding trimmed
  EXPECT_EQ(fru.product_asset_tag, "");      // present but 64 spaces
  EXPECT_EQ(fru.product_name, "PowerEdge R640");
  EXPECT_EQ(fru.product_manufacturer, "DELL");
  EXPECT_EQ(fru.board_serial, "CNIVC0005G0184");
  EXPECT_EQ(fru.board_manufacturer, "DELL");
  ASSERT_GE(fru.devices.size(), 5U);
  EXPECT_EQ(fru.devices[0].description, "Builtin FRU Device (ID 0)");
  EXPECT_TRUE(fru.devices[0].fields.contains("Product Asset Tag"));
  EXPECT_EQ(fru.devices[3].description, "BP0 (ID 12)");
  EXPECT_FALSE(fru.devices[3].present);
  EXPECT_TRUE(fru.devices[3].fields.empty());
}

TEST(IpmitoolFru, DellR630NoAssetTagLineAndAbsentPsu) {
  FruInfo fru = parse_ok("dell-r630-ps2-not-present.txt");
  EXPECT_EQ(fru.product_serial, "2WF88P2");
  EXPECT_EQ(fru.product_asset_tag, "");
  EXPECT_EQ(fru.board_product, "PowerEdge R630");
  int absent = 0;
  for (const auto& d : fru.devices) absent += d.present ? 0 : 1;
  EXPECT_EQ(absent, 2);  // PS2 and BP0
}

TEST(IpmitoolFru, SunBuiltinNotPresentTakesMainboard) {
  FruInfo fru = parse_ok("sun-x2200-m2-builtin-not-present.txt");
  EXPECT_FALSE(fru.devices[0].present);
  EXPECT_EQ(fru.product_serial, "0732QBT057");
  EXPECT_EQ(fru.product_name, "Sun Fire X2200 M2");
  EXPECT_EQ(fru.chassis_serial, "QTFCKS717058B");
  EXPECT_EQ(fru.board_serial, "2029QTF0723MT0459");
  // Repeated "Product Extra" lines are all kept.
  const auto& nic = fru.devices[2].fields;
  EXPECT_EQ(nic.at("Product Extra"), "02");
  EXPECT_EQ(nic.at("Product Extra (2)"), "00:1B:24:5D:60:01");
  EXPECT_EQ(nic.at("Product Extra (3)"), "00:1B:24:5D:60:02");
  EXPECT_EQ(nic.at("Product Serial"), "00:1B:24:5D:60:01");  // value containing ':'
}

TEST(IpmitoolFru, OpenBmcWithoutHeaderLine) {
  FruInfo fru = parse_ok("openbmc-evb-fru-list-0-no-header-utc-date.txt");
  ASSERT_EQ(fru.devices.size(), 1U);
  EXPECT_EQ(fru.devices[0].description, "");
  EXPECT_EQ(fru.product_serial, "12345789");
  EXPECT_EQ(fru.product_name, "test S10B316");
  EXPECT_EQ(fru.devices[0].fields.at("Board Mfg Date"), "Sun Feb 18 02:35:00 2024 UTC");
}

TEST(IpmitoolFru, OpenBmcEmptyBuiltinAndMissingMotherboard) {
  FruInfo fru = parse_ok("openbmc-evb-fru-list-builtin-empty-id1-not-present.txt");
  ASSERT_EQ(fru.devices.size(), 2U);
  EXPECT_TRUE(fru.devices[0].present);
  EXPECT_TRUE(fru.devices[0].fields.empty());
  EXPECT_FALSE(fru.devices[1].present);
  EXPECT_EQ(fru.product_serial, "");
}

TEST(IpmitoolFru, DottedPlaceholdersKeptAsText) {
  FruInfo fru = parse_ok("intel-s7200ap-dotted-placeholders.txt");
  EXPECT_EQ(fru.product_serial, "............");
  EXPECT_EQ(fru.product_asset_tag, "....................");
  EXPECT_EQ(fru.board_serial, "QSAD73702029");
  // The PSU's Product Serial must not leak into the system's.
  EXPECT_NE(fru.product_serial, "CNS2221A4SG7Q0942");
}

TEST(IpmitoolFru, EmptyAndGarbageAreErrors) {
  for (std::string_view text : {"", "   \n\n", "\x01\x02 garbage without fields\n",
                                "Error: Unable to establish IPMI v2 / RMCP+ session\n"}) {
    auto fru = parse_ipmitool_fru(text);
    ASSERT_FALSE(fru.ok());
    EXPECT_EQ(fru.error().code, "KILN-PARSE-IPMITOOL-FRU");
    EXPECT_NE(fru.error().message.find("ipmitool fru"), std::string::npos);
  }
}

TEST(IpmitoolFru, TruncatedOutputKeepsWhatWasRead) {
  std::string text =
      testing::first_half(data_file("ipmitool-fru", "dell-r640-empty-asset-tag.txt"));
  auto fru = parse_ipmitool_fru(text);
  ASSERT_TRUE(fru.ok());
  EXPECT_EQ(fru->product_serial, "2RJF153");
}

}  // namespace
}  // namespace kiln::tools
