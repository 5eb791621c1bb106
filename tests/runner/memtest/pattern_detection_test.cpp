// Every pattern, on every sweep-loop variant, finds injected single-bit faults
// at the exact address and bit, once each.
#include <gtest/gtest.h>

#include "fake_memtest_host.hpp"
#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"

namespace kiln::memtest {
namespace {

using testing::fake_pfn;
using testing::table_host;

constexpr std::size_t kBytes = 1U << 20;
constexpr BitFlip kEarly{123456, 17};  // after the first write, seen by the next sweep
constexpr BitFlip kLate{777000, 63};   // after the last write, seen by the final verify

FaultInjector both(FaultInjector a, FaultInjector b) {
  return [a = std::move(a), b = std::move(b)](std::span<std::uint64_t> region, std::size_t offset,
                                              const SweepPoint& at) {
    a(region, offset, at);
    b(region, offset, at);
  };
}

void expect_fault(const FaultRecord& fault, std::uintptr_t base, const BitFlip& flip,
                  std::string_view pattern) {
  const std::uintptr_t address = base + flip.byte_offset;
  EXPECT_EQ(fault.virtual_address, address);
  EXPECT_EQ(fault.xor_mask, 1ULL << flip.bit);
  EXPECT_EQ(fault.expected ^ fault.actual, 1ULL << flip.bit);
  EXPECT_EQ(fault.bit_indices(), std::vector<unsigned>{flip.bit});
  EXPECT_EQ(fault.count, 1U);
  EXPECT_EQ(fault.first_pattern, pattern);
  EXPECT_EQ(fault.physical_address, fake_pfn(address / 4096) * 4096 + address % 4096);
  EXPECT_EQ(fault.dimm, kUnknownDimm);
}

class PatternDetection : public ::testing::TestWithParam<std::tuple<std::string, Isa>> {};

TEST_P(PatternDetection, FindsInjectedBitsAtExactAddressAndBit) {
  const auto& [name, isa] = GetParam();
  if (!cpu_supports(isa)) GTEST_SKIP() << "CPU lacks " << to_string(isa);
  const PatternDef* pattern = find_pattern(name);
  ASSERT_NE(pattern, nullptr);

  MemtestOptions options;
  options.bytes = kBytes;
  options.max_threads = 1;
  options.patterns = {name};
  options.isa = isa;
  options.lock_memory = false;
  MemtestHooks hooks;
  hooks.host = table_host({});
  hooks.inject = both(make_bit_flipper({kEarly}, 0, name),
                      make_bit_flipper({kLate}, pattern->states - 1, name));

  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->isa, to_string(isa));
  ASSERT_EQ(report->regions.size(), 1U);
  ASSERT_EQ(report->faults.size(), 2U);
  EXPECT_EQ(report->mismatches, 2U);
  const std::uintptr_t base = report->regions[0].address;
  expect_fault(report->faults[0], base, kEarly, name);
  expect_fault(report->faults[1], base, kLate, name);
}

std::vector<std::string> all_patterns() {
  std::vector<std::string> names;
  for (const auto& p : pattern_catalog()) names.emplace_back(p.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(
    EveryPatternEveryIsa, PatternDetection,
    ::testing::Combine(::testing::ValuesIn(all_patterns()),
                       ::testing::Values(Isa::kAvx2, Isa::kSse2, Isa::kScalar)),
    [](const ::testing::TestParamInfo<PatternDetection::ParamType>& param_info) {
      return std::get<0>(param_info.param) + "_" +
             std::string(to_string(std::get<1>(param_info.param)));
    });

TEST(PatternDetection, FindsFaultInAnotherWorkersRegion) {
  MemtestOptions options;
  options.bytes = kBytes;
  options.max_threads = 2;
  options.patterns = {"moving_inversions", "walking_ones"};
  options.lock_memory = false;
  MemtestHooks hooks;
  hooks.host = table_host({});
  const BitFlip late_half{kBytes - 8, 5};  // the last word of the memory
  hooks.inject = make_bit_flipper({late_half}, 4, "moving_inversions");

  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->faults.size(), 1U);
  expect_fault(report->faults[0], report->regions[0].address, late_half, "moving_inversions");
}

TEST(PatternCatalog, MemtesterSetIsTheFirstEighteenInMemtestersOrder) {
  const auto names = memtester_equivalent_patterns();
  ASSERT_EQ(names.size(), 18U);
  EXPECT_EQ(names.front(), "stuck_address");
  EXPECT_EQ(names[1], "random_value");
  EXPECT_EQ(names.back(), "write_16bit");
  for (const auto& name : names) EXPECT_NE(find_pattern(name), nullptr) << name;
}

TEST(PatternCatalog, StuckAddressWordsHoldTheirAddress) {
  PatternState state;
  find_pattern("stuck_address")->make_state(0, 0, state);
  const std::uintptr_t block = 0x7f0000123000;
  EXPECT_EQ(state.word(block, 0), block);
  EXPECT_EQ(state.word(block, 1), ~(block + 8));
  EXPECT_EQ(state.word(block, 511), ~(block + 511 * 8));
}

TEST(PatternCatalog, CompareStatesApplyTheOperationToTheRandomWords) {
  PatternState random;
  PatternState divided;
  const PatternDef* div = find_pattern("compare_div");
  div->make_state(0, 42, random);
  div->make_state(1, 42, divided);
  const std::uintptr_t block = 0x10000;
  for (std::size_t j : {0U, 7U, 300U}) {
    EXPECT_EQ(divided.word(block, j), random.word(block, j) / divided.operand);
  }
}

TEST(PatternCatalog, UnknownNameIsAnError) {
  auto found = resolve_patterns({"random_value", "no_such_pattern"});
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, "memtest-bad-option");
}

}  // namespace
}  // namespace kiln::memtest
