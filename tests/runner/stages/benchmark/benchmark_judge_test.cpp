// benchmark stage: a run's report judged against the tender (reports made up
// here; the benchmark's own checksums and scoring are tested in
// tests/runner/hepbench/).
#include "stages/benchmark/benchmark_judge.hpp"

#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/stage_harness.hpp"

namespace kiln::runner::testing {
namespace {

hepbench::Report report(double score, double slowest, double fastest) {
  hepbench::Report r;
  r.score = score;
  r.cpus = {0, 1};
  r.copy_scores = {slowest, fastest};
  const double mean = (slowest + fastest) / 2;
  r.per_copy = {slowest, mean, fastest, (fastest - mean) / mean};
  return r;
}

Outcome judge(StageHarness& h, const hepbench::Report& r) {
  return h.judge("benchmark", [&r](StageContext& ctx) {
    judge_benchmark_report(ctx, r, {2400.0, 2600.0});
  });
}

TEST(BenchmarkJudge, ScoreWithinTheTenderPasses) {
  StageHarness h;
  h.config.limits["benchmark.min_score"] = 15;
  h.config.limits["benchmark.max_copy_cv_percent"] = 5;
  EXPECT_EQ(judge(h, report(20.0, 9.9, 10.1)), Outcome::pass()) << h.failures();
  const auto* mhz = h.find_measurement("cpu_mhz_average");
  ASSERT_NE(mhz, nullptr);
  EXPECT_EQ(std::get<double>(mhz->value), 2500.0);
}

TEST(BenchmarkJudge, ScoreBelowTheTenderFails) {
  StageHarness h;
  h.config.limits["benchmark.min_score"] = 25;
  EXPECT_EQ(judge(h, report(20.0, 9.9, 10.1)), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-BENCH-BELOW-TENDER",
                      "CPU: the benchmark scored 20.0; the tender requires at least 25.0 \u2014 "
                      "check the firmware setup's power and turbo settings, the memory population "
                      "and the cooling");
}

TEST(BenchmarkJudge, CopiesSpreadWiderThanAllowedFail) {
  StageHarness h;
  h.config.limits["benchmark.max_copy_cv_percent"] = 5;
  EXPECT_EQ(judge(h, report(20.0, 8.0, 12.0)), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-BENCH-COPY-SPREAD",
                      "CPU: per-copy scores vary by 20.0 % (slowest copy 8.0, fastest 12.0); the "
                      "tender allows 5.0 % \u2014 look for a slow or throttling core: check the "
                      "cooling and the firmware setup's power settings");
}

TEST(BenchmarkJudge, WrongResultNamesTheCpuAndWorkload) {
  StageHarness h;
  auto r = report(20.0, 9.9, 10.1);
  r.mismatches.push_back({1, 1, "track_fit", 0xdeadbeefULL, 0x1234ULL, 2, 40});
  EXPECT_EQ(judge(h, r), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-BENCH-WRONG-RESULT",
                      "CPU 1 computed a wrong result in 2 of 40 batches of workload track_fit "
                      "(first checksum 0x00000000deadbeef, expected 0x0000000000001234) \u2014 run "
                      "the stage again; if it repeats, replace the CPU");
  EXPECT_EQ(h.record.diagnoses[0].component, "CPU 1");
}

}  // namespace
}  // namespace kiln::runner::testing
