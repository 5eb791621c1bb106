// Repeated faults are counted per address, not flooded; distinct records are
// capped; worker logs merge.
#include "memtest/fault_log.hpp"

#include <gtest/gtest.h>

#include "fake_memtest_host.hpp"
#include "memtest/memtest.hpp"

namespace kiln::memtest {
namespace {

using testing::table_host;

TEST(FaultLog, SameAddressIsOneRecordWithACountAndEveryBitSeen) {
  FaultLog log(16);
  log.record(0x1000, 0xFF, 0xFE, "solid_bits");
  log.record(0x1000, 0xFF, 0xFE, "solid_bits");
  log.record(0x1000, 0x00, 0x80, "checkerboard");
  log.record(0x2000, 0x00, 0x01, "checkerboard");
  const auto records = log.records();
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].virtual_address, 0x1000U);
  EXPECT_EQ(records[0].count, 3U);
  EXPECT_EQ(records[0].expected, 0xFFU);
  EXPECT_EQ(records[0].actual, 0xFEU);
  EXPECT_EQ(records[0].xor_mask, 0x01U);
  EXPECT_EQ(records[0].bits_seen, 0x81U);
  EXPECT_EQ(records[0].bit_indices(), (std::vector<unsigned>{0, 7}));
  EXPECT_EQ(records[0].first_pattern, "solid_bits");
  EXPECT_EQ(log.mismatches(), 4U);
  EXPECT_EQ(log.unrecorded(), 0U);
}

TEST(FaultLog, CapKeepsTheFirstAddressesAndCountsTheRest) {
  FaultLog log(3);
  for (std::uintptr_t a = 0; a < 10; ++a) log.record(0x1000 + 8 * a, 1, 0, "random_value");
  log.record(0x1000, 1, 0, "random_value");  // a kept address still counts
  EXPECT_EQ(log.distinct(), 3U);
  EXPECT_EQ(log.records()[0].count, 2U);
  EXPECT_EQ(log.mismatches(), 11U);
  EXPECT_EQ(log.unrecorded(), 7U);
}

TEST(FaultLog, MergeCombinesSharedAddressesAndRespectsTheCap) {
  FaultLog a(2);
  FaultLog b(2);
  a.record(0x10, 0, 1, "p");
  b.record(0x10, 0, 2, "p");
  b.record(0x20, 0, 1, "p");
  b.record(0x30, 0, 1, "p");  // unrecorded in b
  FaultLog merged(2);
  merged.merge(a);
  merged.merge(b);
  const auto records = merged.records();
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].count, 2U);
  EXPECT_EQ(records[0].bits_seen, 3U);
  EXPECT_EQ(merged.mismatches(), 4U);
  EXPECT_EQ(merged.unrecorded(), 1U);
}

TEST(FaultLog, BitIndicesAscend) {
  EXPECT_EQ(bit_indices(0), std::vector<unsigned>{});
  EXPECT_EQ(bit_indices(0x8000000000000005ULL), (std::vector<unsigned>{0, 2, 63}));
}

MemtestOptions engine_run(std::vector<std::string> patterns, unsigned passes) {
  MemtestOptions options;
  options.bytes = 1U << 20;
  options.max_threads = 1;
  options.patterns = std::move(patterns);
  options.passes = passes;
  options.lock_memory = false;
  return options;
}

TEST(FaultAggregation, AFaultRepeatedEveryPatternAndPassIsOneCountedRecord) {
  MemtestHooks hooks;
  hooks.host = table_host({});
  hooks.inject = make_bit_flipper({{4096 + 24, 40}});  // after sweep 0 of every pattern
  auto report = run_memtest(engine_run({"solid_bits", "checkerboard"}, 3), hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->faults.size(), 1U);
  EXPECT_EQ(report->faults[0].count, 6U);
  EXPECT_EQ(report->faults[0].bits_seen, 1ULL << 40);
  EXPECT_EQ(report->faults[0].first_pattern, "solid_bits");
  EXPECT_EQ(report->mismatches, 6U);
}

TEST(FaultAggregation, ManyDistinctFaultsAreCappedNotFlooded) {
  std::vector<BitFlip> flips;
  for (std::size_t i = 0; i < 50; ++i) flips.push_back({i * 1024, static_cast<unsigned>(i % 64)});
  MemtestOptions options = engine_run({"random_value"}, 1);
  options.max_fault_records = 10;
  MemtestHooks hooks;
  hooks.host = table_host({});
  hooks.inject = make_bit_flipper(flips);
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->faults.size(), 10U);
  EXPECT_EQ(report->mismatches, 50U);
  EXPECT_EQ(report->dropped_records, 40U);
}

}  // namespace
}  // namespace kiln::memtest
