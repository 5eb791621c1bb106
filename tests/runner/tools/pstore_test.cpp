// The pstore record parser on real-shaped records (tests/data/pstore) and, when
// ../shared holds captured ones, on those.
#include "tools/pstore.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;
using ::testing::HasSubstr;

TEST(Pstore, AnEfiPanicRecordGivesThePanicLineAndTheMachineChecks) {
  auto r = parse_pstore_record("dmesg-efi-170159865601001",
                               data_file("pstore", "dmesg-efi-170159865601001"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->reason, "Panic");
  EXPECT_EQ(r->headline, "Kernel panic - not syncing: Fatal machine check");
  ASSERT_EQ(r->machine_checks.size(), 4U);  // at most four
  EXPECT_EQ(r->machine_checks[0],
            "mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 7: be00000000800400");
}

TEST(Pstore, ARamoopsOopsGivesTheFirstBugLine) {
  auto r = parse_pstore_record("dmesg-ramoops-0", data_file("pstore", "dmesg-ramoops-0"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->reason, "Oops");
  EXPECT_EQ(r->headline, "BUG: unable to handle page fault for address: ffff9b7a3fe2a000");
  EXPECT_TRUE(r->machine_checks.empty());
}

TEST(Pstore, EmptyAndForeignTextAreErrorsNamingTheFile) {
  auto empty = parse_pstore_record("dmesg-efi-1", "\n");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, kPstoreParseError);
  EXPECT_THAT(empty.error().message, HasSubstr("dmesg-efi-1 is empty"));
  auto foreign = parse_pstore_record("dmesg-efi-2", "Panic#1 Part1\n\x01\x02garbage\n");
  ASSERT_FALSE(foreign);
  EXPECT_THAT(foreign.error().message, HasSubstr("dmesg-efi-2 holds no kernel log line"));
  // Cut off mid-record (the variable store was full): still the lines it has.
  auto cut = parse_pstore_record(
      "dmesg-efi-3", testing::first_half(data_file("pstore", "dmesg-efi-170159865601001")));
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->headline.empty());
  EXPECT_FALSE(cut->machine_checks.empty());
}

TEST(Pstore, OnlyUncompressedDmesgRecordsAreRead) {
  EXPECT_TRUE(is_pstore_dmesg_record("dmesg-efi-170159865601001"));
  EXPECT_TRUE(is_pstore_dmesg_record("dmesg-ramoops-0"));
  EXPECT_TRUE(is_pstore_dmesg_record("dmesg-erst-6971382409011200001"));
  EXPECT_FALSE(is_pstore_dmesg_record("dmesg-ramoops-0.enc.z"));
  EXPECT_FALSE(is_pstore_dmesg_record("console-ramoops-0"));
  EXPECT_FALSE(is_pstore_dmesg_record("pmsg-ramoops-0"));
}

// Records captured on real machines, when ../shared/real-outputs/pstore has any.
TEST(Pstore, CapturedRecordsParse) {
  const auto dir = std::filesystem::path(KILN_SHARED_DIR) / "real-outputs" / "pstore";
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << dir << " not present: no captured pstore records to parse";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.find("dmesg") == std::string::npos) continue;
    auto r = parse_pstore_record(name, testing::read_file(entry.path()));
    EXPECT_TRUE(r) << name << ": " << r.error().message;
    if (r) {
      EXPECT_FALSE(r->headline.empty() && r->machine_checks.empty()) << name;
    }
    ++parsed;
  }
  if (parsed == 0) GTEST_SKIP() << dir << " holds no dmesg record";
}

}  // namespace
}  // namespace kiln::tools
