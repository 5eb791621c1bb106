#include "tools/ipmitool_sel.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

SelEntry entry(std::string sensor, std::string event, std::string direction = "Asserted") {
  SelEntry e;
  e.sensor = std::move(sensor);
  e.event = std::move(event);
  e.direction = std::move(direction);
  return e;
}

TEST(IpmitoolSelArgv, Variants) {
  EXPECT_EQ(ipmitool_sel_argv(), (std::vector<std::string>{"ipmitool", "sel", "elist"}));
  EXPECT_EQ(ipmitool_sel_argv(std::nullopt, false, true),
            (std::vector<std::string>{"ipmitool", "-c", "sel", "list"}));
}

TEST(IpmitoolSel, SupermicroElist) {
  auto sel = parse_ipmitool_sel(
      data_file("ipmitool-sel", "supermicro-chassis-intrusion-psu-failure-unknown-0xff-elist.txt"));
  ASSERT_TRUE(sel.ok()) << sel.error().message;
  ASSERT_EQ(sel->size(), 23U);
  const SelEntry& first = sel->front();
  EXPECT_EQ(first.id, "1");
  EXPECT_EQ(first.date, "03/12/2019");
  EXPECT_EQ(first.time, "13:10:45");
  EXPECT_EQ(first.sensor, "Physical Security Chassis Intru");
  EXPECT_EQ(first.event, "General Chassis intrusion ()");
  EXPECT_EQ(first.direction, "Asserted");
  EXPECT_EQ(classify_sel_entry(first), SelSeverity::kWarning);

  const SelEntry& psu = (*sel)[8];
  EXPECT_EQ(psu.id, "9");
  EXPECT_EQ(psu.sensor, "Power Supply PS1 Status");
  EXPECT_EQ(classify_sel_entry(psu), SelSeverity::kCritical);
  EXPECT_EQ((*sel)[9].direction, "Deasserted");
  EXPECT_EQ(classify_sel_entry((*sel)[9]), SelSeverity::kInfo);

  const SelEntry& unknown = (*sel)[13];
  EXPECT_EQ(unknown.id, "e");
  EXPECT_EQ(unknown.sensor, "Unknown #0xff");
  EXPECT_EQ(unknown.event, "");
  EXPECT_EQ(classify_sel_entry(unknown), SelSeverity::kInfo);
  EXPECT_EQ(classify_sel_entry((*sel)[4]), SelSeverity::kInfo);  // OS Boot
}

TEST(IpmitoolSel, HpePreInitTimestampsAndOemRecords) {
  auto sel = parse_ipmitool_sel(data_file(
      "ipmitool-sel", "hpe-acpi-power-preinit-timestamps-oem-records-psu-redundancy-lost.txt"));
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel->size(), 256U);
  const SelEntry* preinit = nullptr;
  const SelEntry* oem = nullptr;
  const SelEntry* psu_fail = nullptr;
  for (const auto& e : *sel) {
    if (!preinit && e.date == "Pre-Init") preinit = &e;
    if (!oem && e.sensor == "OEM record dc") oem = &e;
    if (!psu_fail && e.id == "131") psu_fail = &e;
  }
  ASSERT_NE(preinit, nullptr);
  EXPECT_EQ(preinit->id, "56");
  EXPECT_EQ(preinit->time, "0000000085");
  ASSERT_NE(oem, nullptr);
  EXPECT_EQ(oem->direction, "");
  EXPECT_EQ(oem->event, "000137 | 00c378895f00");
  EXPECT_EQ(classify_sel_entry(*oem), SelSeverity::kInfo);
  ASSERT_NE(psu_fail, nullptr);
  EXPECT_EQ(psu_fail->sensor, "Power Supply Power Supply 2");
  EXPECT_EQ(psu_fail->event, "Failure detected");
  EXPECT_EQ(classify_sel_entry(*psu_fail), SelSeverity::kCritical);
}

TEST(IpmitoolSel, CsvWithAnnotationLines) {
  auto sel = parse_ipmitool_sel(
      data_file("ipmitool-sel", "rackhd-csv-sel-list-psu-pulled-and-reinserted-annotated.txt"));
  ASSERT_TRUE(sel.ok());
  ASSERT_EQ(sel->size(), 11U);
  EXPECT_EQ((*sel)[1].sensor, "Power Supply #0x51");
  EXPECT_EQ((*sel)[1].event, "Power Supply AC lost");
  EXPECT_EQ(classify_sel_entry((*sel)[1]), SelSeverity::kWarning);
  EXPECT_EQ((*sel)[4].event, "Non-Redundant: Sufficient from Redundant");
  EXPECT_EQ((*sel)[9].id, "a");
  EXPECT_EQ((*sel)[9].direction, "Deasserted");
}

TEST(IpmitoolSel, ListAndVerboseMemoryCorrectable) {
  auto list = parse_ipmitool_sel(
      data_file("ipmitool-sel", "hp-proliant-dl360-ilo-sel-list-memory-ce-logging-limit.txt"));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].sensor, "Memory #0x2b");
  EXPECT_EQ(classify_sel_entry((*list)[0]), SelSeverity::kWarning);

  auto verbose = parse_ipmitool_sel(
      data_file("ipmitool-sel", "hp-proliant-dl360-ilo-sel-get-0-memory-ce-verbose.txt"));
  ASSERT_TRUE(verbose.ok());
  ASSERT_EQ(verbose->size(), 1U);
  const SelEntry& v = verbose->front();
  EXPECT_EQ(v.id, "0000");
  EXPECT_EQ(v.date, "06/29/2021");
  EXPECT_EQ(v.time, "08:18:06");
  EXPECT_EQ(v.sensor, "Memory #0x2b");
  EXPECT_EQ(v.event, "Correctable ECC logging limit reached");
  EXPECT_EQ(v.direction, "Asserted");
}

TEST(IpmitoolSel, Classification) {
  EXPECT_EQ(classify_sel_entry(entry("Memory DIMM_A1", "Uncorrectable ECC")),
            SelSeverity::kCritical);
  EXPECT_EQ(classify_sel_entry(entry("Memory DIMM_A1", "Correctable ECC")), SelSeverity::kWarning);
  EXPECT_EQ(classify_sel_entry(entry("Processor CPU1 Status", "IERR")), SelSeverity::kCritical);
  EXPECT_EQ(classify_sel_entry(entry("Processor CPU2", "Thermal Trip")), SelSeverity::kCritical);
  EXPECT_EQ(classify_sel_entry(entry("Fan FAN3", "Lower Critical going low")),
            SelSeverity::kCritical);
  EXPECT_EQ(classify_sel_entry(entry("Temperature CPU Temp", "Upper Critical going high")),
            SelSeverity::kCritical);
  EXPECT_EQ(classify_sel_entry(entry("Temperature CPU Temp", "Upper Non-critical going high")),
            SelSeverity::kWarning);
  EXPECT_EQ(
      classify_sel_entry(entry("Chassis SysHealth_Stat", "Transition to Non-critical from OK")),
      SelSeverity::kWarning);
  EXPECT_EQ(classify_sel_entry(entry("Power Supply Power Supplies", "Redundancy Lost")),
            SelSeverity::kWarning);
  EXPECT_EQ(classify_sel_entry(entry("System ACPI Power State", "S0/G0: working")),
            SelSeverity::kInfo);
  EXPECT_EQ(classify_sel_entry(entry("Memory DIMM_A1", "Uncorrectable ECC", "Deasserted")),
            SelSeverity::kInfo);
  EXPECT_EQ(to_string(SelSeverity::kCritical), "critical");
}

TEST(IpmitoolSel, EmptySelGarbageAndTruncation) {
  auto none = parse_ipmitool_sel("SEL has no entries\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto empty = parse_ipmitool_sel("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "KILN-PARSE-IPMITOOL-SEL");
  EXPECT_FALSE(
      parse_ipmitool_sel(data_file("ipmitool-sel", "rackhd-sel-info-545-entries.txt")).ok());
  std::string half = testing::first_half(
      data_file("ipmitool-sel", "supermicro-chassis-intrusion-psu-failure-unknown-0xff-elist.txt"));
  auto cut = parse_ipmitool_sel(half);
  ASSERT_TRUE(cut.ok());
  EXPECT_GT(cut->size(), 5U);
  EXPECT_LT(cut->size(), 23U);
}

}  // namespace
}  // namespace kiln::tools
