// Clean memory gives no mismatches over many passes, on every variant; runs
// account their traffic, report progress, honour time limits and stop flags.
#include <gtest/gtest.h>

#include <atomic>

#include "fake_memtest_host.hpp"
#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"

namespace kiln::memtest {
namespace {

using testing::table_host;

constexpr std::size_t kBytes = 1U << 20;

MemtestOptions small_run() {
  MemtestOptions options;
  options.bytes = kBytes;
  options.max_threads = 2;
  options.lock_memory = false;
  return options;
}

std::uint64_t states_of_catalog() {
  std::uint64_t states = 0;
  for (const auto& p : pattern_catalog()) states += p.states;
  return states;
}

class CleanRun : public ::testing::TestWithParam<Isa> {};

TEST_P(CleanRun, NoMismatchesOverRepeatedPassesOfEveryPattern) {
  if (!cpu_supports(GetParam())) GTEST_SKIP();
  MemtestOptions options = small_run();
  options.isa = GetParam();
  options.passes = 3;
  MemtestHooks hooks;
  hooks.host = table_host({});
  std::vector<Progress> ticks;
  hooks.on_progress = [&](const Progress& p) { ticks.push_back(p); };

  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->mismatches, 0U);
  EXPECT_TRUE(report->faults.empty());
  EXPECT_EQ(report->passes_completed, 3U);
  EXPECT_FALSE(report->stopped_early);
  EXPECT_EQ(report->bytes_tested, kBytes);
  // Each state is written once and verified once.
  const std::uint64_t per_direction = 3 * states_of_catalog() * kBytes;
  EXPECT_EQ(report->bytes_written, per_direction);
  EXPECT_EQ(report->bytes_verified, per_direction);
  ASSERT_FALSE(ticks.empty());
  EXPECT_DOUBLE_EQ(ticks.back().fraction, 1.0);
  EXPECT_EQ(ticks.back().bytes_processed, 2 * per_direction);
  ASSERT_TRUE(ticks.back().eta.has_value());
  EXPECT_EQ(ticks.back().eta->count(), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryIsa, CleanRun,
                         ::testing::Values(Isa::kAvx2, Isa::kSse2, Isa::kScalar),
                         [](const ::testing::TestParamInfo<Isa>& param_info) {
                           return std::string(to_string(param_info.param));
                         });

TEST(CleanRun, RegionsAreDisjointAlignedAndCoverTheMemory) {
  MemtestOptions options = small_run();
  options.patterns = {"random_value"};
  MemtestHooks hooks;
  hooks.host = table_host({});
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  std::uintptr_t next = report->regions.front().address;
  std::size_t total = 0;
  for (const auto& region : report->regions) {
    EXPECT_EQ(region.address % 4096, 0U);
    EXPECT_EQ(region.address, next);
    next = region.address + region.bytes;
    total += region.bytes;
  }
  EXPECT_EQ(total, kBytes);
}

TEST(CleanRun, TimeLimitStopsARunWithoutPassCount) {
  MemtestOptions options = small_run();
  options.passes = 0;
  options.time_limit = std::chrono::milliseconds(150);
  MemtestHooks hooks;
  hooks.host = table_host({});
  const auto start = std::chrono::steady_clock::now();
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(report->stopped_early);
  EXPECT_GT(report->bytes_verified, 0U);
  EXPECT_EQ(report->mismatches, 0U);
}

TEST(CleanRun, FakeClockDrivesTheDeadline) {
  MemtestOptions options = small_run();
  options.passes = 1000;
  options.time_limit = std::chrono::milliseconds(1000);
  MemtestHooks hooks;
  hooks.host = table_host({});
  auto ticks = std::make_shared<std::atomic<std::int64_t>>(0);
  // Every reading of the clock is a second later: the first check stops it.
  hooks.now = [ticks] {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(ticks->fetch_add(1)));
  };
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->stopped_early);
  EXPECT_EQ(report->passes_completed, 0U);
}

TEST(CleanRun, SetupIsTheWorkersLockingTimedOnTheInjectedClock) {
  MemtestOptions options = small_run();
  options.max_threads = 1;
  options.lock_memory = true;  // whether or not mlock succeeds here, it is timed
  MemtestHooks hooks;
  hooks.host = table_host({});
  auto ticks = std::make_shared<std::atomic<std::int64_t>>(0);
  hooks.now = [ticks] {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(ticks->fetch_add(1)));
  };
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  // Readings: the start, the worker's two around its lock, the end.
  EXPECT_EQ(report->setup, std::chrono::seconds(1));
  EXPECT_EQ(report->elapsed, std::chrono::seconds(3));
}

TEST(CleanRun, StopFlagEndsTheRunEarly) {
  MemtestOptions options = small_run();
  options.passes = 1000;
  std::atomic<bool> stop{true};
  MemtestHooks hooks;
  hooks.host = table_host({});
  hooks.stop = &stop;
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->stopped_early);
  EXPECT_LE(report->bytes_written, kBytes);
}

TEST(CleanRun, NeitherPassesNorTimeLimitIsAnError) {
  MemtestOptions options = small_run();
  options.passes = 0;
  auto report = run_memtest(options, MemtestHooks{});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "memtest-bad-option");
}

}  // namespace
}  // namespace kiln::memtest
