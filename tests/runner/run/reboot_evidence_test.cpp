// Judging what the next boot finds after a reboot: SEL entries since the run
// started, on real SEL outputs (tests/data/ipmitool-sel and, when present,
// ../shared/real-outputs), pstore records and EDAC counters.
#include "run/reboot_evidence.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

std::vector<tools::SelEntry> sel(const std::string& file) {
  auto parsed = tools::parse_ipmitool_sel(tools::testing::data_file("ipmitool-sel", file));
  EXPECT_TRUE(parsed) << file << ": " << parsed.error().message;
  return parsed ? *parsed : std::vector<tools::SelEntry>{};
}

TEST(RebootEvidence, OnlyWarningAndCriticalSelEntriesSinceTheRunStartedCount) {
  auto entries = sel("supermicro-chassis-intrusion-psu-failure-unknown-0xff-elist.txt");
  auto since = rfc3339_time("2019-08-01T00:00:00Z");
  ASSERT_TRUE(since);
  auto named = sel_entries_since(entries, *since);
  // PS1 failed twice (asserted); deassertions, OS Boot and "Unknown #0xff" are not findings.
  ASSERT_EQ(named.size(), 2U);
  EXPECT_EQ(named[0].sensor, "Power Supply PS1 Status");
  EXPECT_EQ(named[0].time, "02:31:44");
  EXPECT_EQ(named[1].time, "02:33:24");
  EXPECT_TRUE(sel_entries_since(entries, *rfc3339_time("2019-09-11T00:00:00Z")).empty());
}

TEST(RebootEvidence, PreInitEntriesHaveNoTimeAndAreLeftOut) {
  auto entries = sel("hpe-acpi-power-preinit-timestamps-oem-records-psu-redundancy-lost.txt");
  ASSERT_FALSE(entries.empty());
  std::size_t pre_init = 0;
  for (const auto& e : entries) pre_init += sel_time(e) ? 0 : 1;
  EXPECT_GT(pre_init, 0U);
  for (const auto& e : sel_entries_since(entries, *rfc3339_time("1970-01-02T00:00:00Z")))
    EXPECT_TRUE(sel_time(e)) << e.raw;
}

TEST(RebootEvidence, CriticalEventsComeFirstAndNameTheSensor) {
  auto entries = sel("kiln-written-uncorrectable-ecc-dimm-b2-psu-elist.txt");
  auto named = sel_entries_since(entries, *rfc3339_time("2026-12-03T08:59:00Z"));
  tools::PstoreRecord panic{
      "dmesg-efi-1", "Panic", "Kernel panic - not syncing: Fatal machine check", {}};
  EdacSnapshot edac;
  edac.present = true;
  edac.units["mc0/dimm3"] = EdacUnit{"mc0/dimm3", "CPU1_DIMM_B2", "", 2, 1};
  edac.units["mc0/dimm0"] = EdacUnit{"mc0/dimm0", "CPU1_DIMM_A1", "", 0, 0};
  auto evidence = judge_reboot_evidence(named, {panic}, edac);
  ASSERT_EQ(evidence.items.size(), 5U);
  EXPECT_EQ(evidence.items[0].text,
            "Memory, Uncorrectable ECC (@DIMMB2(CPU1)) Asserted (12/03/2026 12:12:44)");
  EXPECT_EQ(evidence.items[0].component, "SEL Memory");
  EXPECT_EQ(evidence.items[2].text,
            "Memory, Correctable ECC (@DIMMB2(CPU1)) Asserted (12/03/2026 12:11:57)");
  EXPECT_EQ(evidence.items[3].source, "pstore");
  EXPECT_EQ(evidence.items[4].text,
            "DIMM CPU1_DIMM_B2 (mc0/dimm3): 1 uncorrectable, 2 correctable errors since this boot");
  EXPECT_THAT(evidence.summary(),
              HasSubstr("; pstore: Kernel panic - not syncing: Fatal machine check; EDAC: "));
}

TEST(RebootEvidence, NothingFoundSaysWhereItLooked) {
  RebootEvidence none;
  none.unavailable = {"SEL not read: no BMC", "no EDAC memory controller"};
  EXPECT_EQ(none.summary(), "no evidence: SEL not read: no BMC, no EDAC memory controller");
}

// Debian 12's ipmitool 1.8.19 against ipmi_sim: a two-digit year and the zone
// after the time ("12/03/26", "16:35:46 UTC").
TEST(RebootEvidence, Ipmitool1819DatesWithTwoDigitYearsAndAZone) {
  auto entries = sel("ipmi-sim-ipmitool-1.8.19-two-digit-year-utc-elist.txt");
  ASSERT_EQ(entries.size(), 2U);
  for (const auto& e : entries)
    EXPECT_EQ(sel_time(e), rfc3339_time("2026-12-03T16:35:46Z")) << e.raw;
  auto named = sel_entries_since(entries, *rfc3339_time("2026-12-03T16:00:00Z"));
  ASSERT_EQ(named.size(), 2U);
  auto evidence = judge_reboot_evidence(named, {}, EdacSnapshot{});
  EXPECT_THAT(evidence.summary(), HasSubstr("SEL: Memory #0x01, Uncorrectable ECC Asserted"));
  EXPECT_TRUE(sel_entries_since(entries, *rfc3339_time("2026-12-03T17:00:00Z")).empty());
}

TEST(RebootEvidence, TimesAreReadStrictly) {
  EXPECT_TRUE(rfc3339_time("2026-12-03T09:00:31.000001Z"));
  EXPECT_FALSE(rfc3339_time("03/12/2026"));
  EXPECT_FALSE(rfc3339_time(""));
  tools::SelEntry e;
  e.date = "13/45/2026";
  e.time = "12:00:00";
  EXPECT_FALSE(sel_time(e));
  e.date = "Pre-Init";
  EXPECT_FALSE(sel_time(e));
  e.date = "12/03/2";
  EXPECT_FALSE(sel_time(e));
  e.time = "16:35:46XUTC";
  e.date = "12/03/26";
  EXPECT_FALSE(sel_time(e));
  e.date = "12/03/26";  // what ipmitool 1.8.19 prints, the zone after the time
  e.time = "16:35:39 UTC";
  EXPECT_EQ(sel_time(e), rfc3339_time("2026-12-03T16:35:39Z"));
  e.time = "16:35:39 CET";  // another zone is not taken as UTC
  EXPECT_FALSE(sel_time(e));
}

// ipmitool 1.8.19 (Debian 12: the host over LAN, the image in-band) listing the SEL entry
// hw.reboot_sel adds to ipmi_sim: dated 12/03/26 16:35:39 UTC, after the run started.
TEST(RebootEvidence, ImageIpmitoolElistIsDated) {
  auto entries = sel("ipmi-sim-uncorrectable-ecc-ipmitool-1.8.19-elist.txt");
  auto named = sel_entries_since(entries, *rfc3339_time("2026-12-03T16:35:00Z"));
  ASSERT_EQ(named.size(), 1U);
  EXPECT_EQ(named[0].sensor, "Memory #0x53");
  EXPECT_TRUE(sel_entries_since(entries, *rfc3339_time("2026-12-03T16:36:00Z")).empty());
}

// An entry with a calendar date is never dropped for want of a time: every
// entry printed with MM/DD/YYYY and HH:MM:SS gets one.
void expect_dated_entries_timed(const std::filesystem::path& dir) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto parsed = tools::parse_ipmitool_sel(tools::testing::read_file(entry.path()));
    if (!parsed) continue;  // `sel info` and the like: not a list
    for (const auto& e : *parsed) {
      const bool dated = e.date.size() == 10 && e.date[2] == '/' && e.date[5] == '/' &&
                         e.time.size() == 8 && e.time[2] == ':';
      if (!dated) continue;
      EXPECT_TRUE(sel_time(e)) << entry.path().filename() << ": " << e.raw;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20) << dir;
}

TEST(RebootEvidence, EveryDatedSelEntryOfTheCommittedOutputsHasATime) {
  expect_dated_entries_timed(std::filesystem::path(KILN_TEST_DATA_DIR) / "ipmitool-sel");
}

TEST(RebootEvidence, EveryDatedSelEntryOfTheCapturedOutputsHasATime) {
  const auto dir = std::filesystem::path(KILN_SHARED_DIR) / "real-outputs" / "ipmitool-sel";
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << dir << " not present: captured SEL outputs not checked";
  expect_dated_entries_timed(dir);
}

}  // namespace
}  // namespace kiln::runner
