#include "hepbench/benchmark.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>

namespace kiln::hepbench {
namespace {

using ::testing::HasSubstr;

// Every workload's reference is 1 event/s per copy: scores are then 10 x events/s.
Reference unit_reference() {
  Reference ref{"test machine", "0.0.0", "", {}};
  for (const WorkloadKind& kind : workload_kinds())
    ref.events_per_second[std::string(kind.name)] = 1.0;
  return ref;
}

bool cpus_available(std::initializer_list<int> cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return false;
  for (const int cpu : cpus) {
    if (!CPU_ISSET(static_cast<std::size_t>(cpu), &set)) return false;
  }
  return true;
}

// One batch of the cheapest workloads on CPUs 0 and 1.
BenchmarkConfig small_config() {
  BenchmarkConfig config;
  config.cpus = {0, 1};
  config.workloads = {"track_fit", "hit_clustering"};
  config.length = RunLength::events(1);  // rounded up to one batch
  return config;
}

TEST(HepbenchBenchmark, CopiesRunPinnedAndAgree) {
  if (!cpus_available({0, 1})) GTEST_SKIP() << "needs CPUs 0 and 1";
  auto report = run_benchmark(small_config(), unit_reference());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->mismatch());
  ASSERT_EQ(report->workloads.size(), 2U);
  for (const WorkloadReport& workload : report->workloads) {
    EXPECT_TRUE(workload.deterministic) << workload.name;
    ASSERT_EQ(workload.copies.size(), 2U);
    for (const CopyThroughput& copy : workload.copies) {
      EXPECT_EQ(copy.cpu, static_cast<int>(copy.copy));
      EXPECT_EQ(copy.cpu_at_start, copy.cpu) << "copy " << copy.copy << " not on its CPU";
      EXPECT_EQ(copy.cpu_at_end, copy.cpu) << "copy " << copy.copy << " migrated";
      EXPECT_EQ(copy.events, workload.events_per_batch);  // 1 event -> one whole batch
      EXPECT_GT(copy.events_per_second, 0.0);
    }
    EXPECT_NEAR(workload.events_per_second,
                workload.copies[0].events_per_second + workload.copies[1].events_per_second, 1e-9);
    EXPECT_NEAR(workload.score, workload.events_per_second * kScorePerReferenceCopy, 1e-6);
  }
  EXPECT_NEAR(report->score, std::sqrt(report->workloads[0].score * report->workloads[1].score),
              1e-9 * report->score);
  EXPECT_EQ(report->copy_scores.size(), 2U);
  EXPECT_GT(report->elapsed_seconds, 0.0);
}

TEST(HepbenchBenchmark, WrongResultNamesTheCpuAndWorkload) {
  if (!cpus_available({0, 1})) GTEST_SKIP() << "needs CPUs 0 and 1";
  BenchmarkConfig config = small_config();
  config.length = RunLength::events(2 * 200);  // two batches of track_fit, 24 of clustering
  config.workloads = {"track_fit"};
  config.faults.wrong_result_copy = 1;
  config.faults.wrong_result_workload = "track_fit";
  auto report = run_benchmark(config, unit_reference());
  ASSERT_TRUE(report.ok()) << report.error().message;  // a wrong result is a FAIL, not an ERROR
  ASSERT_TRUE(report->mismatch());
  ASSERT_EQ(report->mismatches.size(), 1U);
  const Mismatch& m = report->mismatches[0];
  EXPECT_EQ(m.copy, 1U);
  EXPECT_EQ(m.cpu, 1);
  EXPECT_EQ(m.workload, "track_fit");
  EXPECT_EQ(m.expected, find_workload_kind("track_fit")->expected_checksum);
  EXPECT_EQ(m.checksum, m.expected ^ 1U);
  EXPECT_EQ(m.wrong_batches, 1U);
  EXPECT_EQ(m.batches, 2U);
  EXPECT_THAT(m.describe(), HasSubstr("CPU 1 produced a wrong result in workload track_fit"));
  EXPECT_THAT(m.describe(), HasSubstr("expected 0x8be2d554d24e64db"));
  EXPECT_FALSE(report->workloads[0].deterministic);
}

TEST(HepbenchBenchmark, WorkloadThatCannotStartIsAnError) {
  BenchmarkConfig config = small_config();
  config.cpus = {0};
  config.faults.start_failure_copy = 0;
  config.faults.start_failure_workload = "hit_clustering";
  auto report = run_benchmark(config, unit_reference());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "KILN-HEPBENCH-START");
  EXPECT_THAT(report.error().message, HasSubstr("hit_clustering could not start"));
  EXPECT_THAT(report.error().message, HasSubstr("CPU 0"));
}

TEST(HepbenchBenchmark, StartFailureOnOneCopyStopsAllCopies) {
  if (!cpus_available({0, 1})) GTEST_SKIP() << "needs CPUs 0 and 1";
  BenchmarkConfig config = small_config();
  config.faults.start_failure_copy = 1;  // first workload, second copy
  auto report = run_benchmark(config, unit_reference());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "KILN-HEPBENCH-START");
  EXPECT_THAT(report.error().message, HasSubstr("CPU 1 (copy 1)"));
}

TEST(HepbenchBenchmark, UnpinnableCpuIsAnError) {
  BenchmarkConfig config = small_config();
  config.cpus = {CPU_SETSIZE - 1};  // no machine running these tests has it
  auto report = run_benchmark(config, unit_reference());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "KILN-HEPBENCH-PIN");
}

TEST(HepbenchBenchmark, ConfigErrors) {
  BenchmarkConfig config = small_config();
  config.workloads = {"spec_fp"};
  auto unknown = run_benchmark(config, unit_reference());
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown hepbench workload 'spec_fp'"));

  config = small_config();
  config.cpus.clear();
  EXPECT_FALSE(run_benchmark(config, unit_reference()).ok());

  config = small_config();
  config.length = {100, std::chrono::milliseconds(5)};  // both
  EXPECT_FALSE(run_benchmark(config, unit_reference()).ok());

  config = small_config();
  config.faults.wrong_result_copy = 2;  // only two copies
  EXPECT_FALSE(run_benchmark(config, unit_reference()).ok());

  Reference partial = unit_reference();
  partial.events_per_second.erase("track_fit");
  auto missing = run_benchmark(small_config(), partial);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("no events/s for workload 'track_fit'"));
}

// A fake clock: every reading advances 1 s, so each batch "takes" 1 s and
// time boxes end after a known number of batches.
TEST(HepbenchBenchmark, TimeBoxRunsWholeBatchesUntilTheBoxEnds) {
  auto ticks = std::make_shared<std::atomic<std::int64_t>>(0);
  BenchmarkConfig config = small_config();
  config.cpus = {0};
  config.workloads = {"track_fit"};
  config.length = RunLength::time_box(std::chrono::seconds(3));
  config.now = [ticks] {
    return std::chrono::nanoseconds(std::chrono::seconds(ticks->fetch_add(1)));
  };
  auto report = run_benchmark(config, unit_reference());
  ASSERT_TRUE(report.ok()) << report.error().message;
  const CopyThroughput& copy = report->workloads[0].copies[0];
  // Readings: start t, then t+1, t+2, t+3 after batches 1..3: the box of 3 s ends.
  EXPECT_EQ(copy.events, 3U * 200U);
  EXPECT_DOUBLE_EQ(copy.seconds, 3.0);
  EXPECT_DOUBLE_EQ(copy.events_per_second, 200.0);
  EXPECT_DOUBLE_EQ(report->score, 2000.0);  // 200 events/s vs 1/s reference x 10
}

TEST(HepbenchBenchmark, LengthPresets) {
  EXPECT_EQ(quick_length().time_box_per_workload, std::chrono::seconds(4));
  EXPECT_EQ(quick_length().events_per_workload, 0U);
  // Five workloads x the box must stay under the profiles' budgets.
  EXPECT_LE(5 * standard_length().time_box_per_workload, std::chrono::minutes(13));
}

}  // namespace
}  // namespace kiln::hepbench
