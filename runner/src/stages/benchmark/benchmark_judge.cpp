// The benchmark's figures and FAILs from one judged run's report.
#include "stages/benchmark/benchmark_judge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "kiln/limits_catalog.hpp"

namespace kiln::runner {

void judge_benchmark_report(StageContext& ctx, const hepbench::Report& r,
                            const std::vector<double>& mhz) {
  std::vector<Limit> score_limits;
  if (auto l = configured_limit(ctx.config, "benchmark.min_score")) score_limits.push_back(*l);
  auto score = measure("score", r.score, "score", "CPU", score_limits);
  score.key_figure = true;
  ctx.step.measurement(score);
  ctx.step.measurement(measure("copies", static_cast<double>(r.cpus.size()), "", "CPU", {}));
  for (const auto& w : r.workloads) {
    ctx.step.measurement(measure("workload_score", w.score, "score", "workload " + w.name, {}));
    ctx.step.measurement(measure("workload_events_per_second", w.events_per_second, "events/s",
                                 "workload " + w.name, {}));
    ctx.step.measurement(
        measure("workload_copy_cv", w.per_copy.cv * 100.0, "%", "workload " + w.name, {}));
  }
  for (std::size_t i = 0; i < r.copy_scores.size() && i < r.cpus.size(); ++i) {
    ctx.step.measurement(
        measure("copy_score", r.copy_scores[i], "score", fmt::format("CPU {}", r.cpus[i]), {}));
  }
  ctx.step.measurement(measure("copy_score_min", r.per_copy.min, "score", "CPU", {}));
  ctx.step.measurement(measure("copy_score_median", r.per_copy.median, "score", "CPU", {}));
  ctx.step.measurement(measure("copy_score_max", r.per_copy.max, "score", "CPU", {}));
  std::vector<Limit> cv_limits;
  if (auto l = configured_limit(ctx.config, "benchmark.max_copy_cv_percent"))
    cv_limits.push_back(*l);
  auto cv = measure("copy_score_cv", r.per_copy.cv * 100.0, "%", "CPU", cv_limits);
  cv.key_figure = true;
  ctx.step.measurement(cv);
  if (!mhz.empty()) {
    double avg = std::accumulate(mhz.begin(), mhz.end(), 0.0) / static_cast<double>(mhz.size());
    ctx.step.measurement(measure("cpu_mhz_average", avg, "MHz", "CPU", {}));
    ctx.step.measurement(
        measure("cpu_mhz_min", *std::min_element(mhz.begin(), mhz.end()), "MHz", "CPU", {}));
  }
  for (const auto& m : r.mismatches) {
    ctx.step.fail("KILN-BENCH-WRONG-RESULT",
                  {{"wrong", fmt::format("{} of {} batches", m.wrong_batches, m.batches)},
                   {"workload", m.workload},
                   {"checksum", fmt::format("{:#018x}", m.checksum)},
                   {"expected", fmt::format("{:#018x}", m.expected)}},
                  fmt::format("CPU {}", m.cpu));
  }
  if (!score.passed()) {
    ctx.step.fail("KILN-BENCH-BELOW-TENDER",
                  {{"score", fmt::format("{:.1f}", r.score)},
                   {"required", fmt::format("{:.1f}", *ctx.config.limit("benchmark.min_score"))}},
                  "CPU");
  }
  if (!cv.passed()) {
    ctx.step.fail(
        "KILN-BENCH-COPY-SPREAD",
        {{"cv", fmt::format("{:.1f}", r.per_copy.cv * 100.0)},
         {"slowest", fmt::format("{:.1f}", r.per_copy.min)},
         {"fastest", fmt::format("{:.1f}", r.per_copy.max)},
         {"allowed", fmt::format("{:.1f}", *ctx.config.limit("benchmark.max_copy_cv_percent"))}},
        "CPU");
  }
}

}  // namespace kiln::runner
