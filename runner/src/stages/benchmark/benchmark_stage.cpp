// benchmark: kiln's HEPSpec-like throughput score (runner/src/hepbench/), one
// copy per core, reference-normalised, every result checked against its
// checksum so a silently miscomputing core FAILs.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <numeric>

#include "kiln/limits_catalog.hpp"
#include "stage/tool_command.hpp"
#include "stages/benchmark/hepbench_setup.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/cpu/cpu_sensors.hpp"

namespace kiln::runner {
namespace {

// The mean "cpu MHz" of /proc/cpuinfo every second while the benchmark runs,
// and time-based progress: a PeriodicTask, so a failing sample is a stage ERROR.
class RunSampler {
 public:
  RunSampler(StageContext& ctx, std::chrono::milliseconds expected)
      : started_(std::chrono::steady_clock::now()),
        task_(
            std::chrono::seconds(1), [this, &ctx, expected] { tick(ctx, expected); }, ctx.step,
            "the benchmark's CPU frequency sampler") {}
  void stop() { task_.stop(); }
  [[nodiscard]] std::vector<double> samples() {
    std::lock_guard lock(mu_);
    return mhz_;
  }

 private:
  void tick(StageContext& ctx, std::chrono::milliseconds expected) {
    auto mhz = read_cpu_mhz(ctx.host);
    if (!mhz.empty()) {
      std::lock_guard lock(mu_);
      mhz_.push_back(std::accumulate(mhz.begin(), mhz.end(), 0.0) /
                     static_cast<double>(mhz.size()));
    }
    auto elapsed = std::chrono::steady_clock::now() - started_;
    double fraction =
        expected.count() > 0 ? std::chrono::duration<double>(elapsed) / expected : 0.0;
    ctx.step.progress(std::min(fraction, 0.99), "running workloads");
  }

  std::chrono::steady_clock::time_point started_;
  std::mutex mu_;
  std::vector<double> mhz_;
  PeriodicTask task_;  // last: stopped first, before what it writes to goes
};

std::chrono::milliseconds expected_duration(const hepbench::RunLength& length, std::size_t workloads) {
  return length.time_box_per_workload * static_cast<long long>(workloads);
}

class BenchmarkStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo{
        "benchmark",
        "HEPSpec-like throughput score: five HEP-style workloads, one pinned copy per CPU, summed and "
        "normalised to the reference machine; every copy's results checked against known checksums",
        {{"length", ParamType::kString, "quick", "quick (~20 s), standard (~5 min) or box=<duration> per workload"},
         {"copies", ParamType::kString, "logical", "logical (one per CPU), physical (one per core) or a count"},
         {"workloads", ParamType::kStringList, "", "subset of workloads (default: all five)"},
         {"smt_compare", ParamType::kBool, "false", "also run one copy per physical core and report the SMT gain"}},
        false};
    return kInfo;
  }

  void run(StageContext& ctx) override {
    auto length = parse_bench_length(ctx.params.get_string("length"));
    auto policy = parse_copy_policy(ctx.params.get_string("copies"));
    auto reference = load_bench_reference(ctx.options.config_dir);
    for (const Error* e : {length ? nullptr : &length.error(), policy ? nullptr : &policy.error(),
                           reference ? nullptr : &reference.error()}) {
      if (e != nullptr) {
        ctx.step.error("benchmark-setup", e->message);
        return;
      }
    }
    auto report = run_once(ctx, *length, *policy, *reference, true);
    if (!report) return;
    if (ctx.params.get_bool("smt_compare") && policy->placement != hepbench::CopyPlacement::kPerPhysicalCore) {
      auto cores = run_once(ctx, *length, {hepbench::CopyPlacement::kPerPhysicalCore, 0}, *reference, false);
      if (cores && cores->score > 0) {
        ctx.step.measurement(measure("smt_gain", (report->score / cores->score - 1.0) * 100.0, "%", "CPU", {}));
      }
    }
  }

 private:
  static std::optional<hepbench::Report> run_once(StageContext& ctx, const hepbench::RunLength& length,
                                                  const hepbench::CopyPolicy& policy,
                                                  const hepbench::Reference& reference, bool judged) {
    auto cpus = bench_cpus(ctx.host, policy);
    if (!cpus) {
      ctx.step.error("benchmark-cpus", cpus.error().message);
      return std::nullopt;
    }
    hepbench::BenchmarkConfig config;
    config.cpus = *cpus;
    config.workloads = ctx.params.get_list("workloads");
    config.length = length;
    std::size_t nworkloads = config.workloads.empty() ? hepbench::workload_kinds().size() : config.workloads.size();
    RunSampler sampler(ctx, expected_duration(length, nworkloads));
    auto report = hepbench::run_benchmark(config, reference);
    sampler.stop();
    if (!report) {
      ctx.step.error("benchmark-start", report.error().message);
      return std::nullopt;
    }
    std::string mode = policy.placement == hepbench::CopyPlacement::kPerPhysicalCore ? "per-core" : "";
    std::string prefix = judged ? "" : mode + "_";
    if (judged) {
      judge(ctx, *report, sampler.samples());
    } else {
      ctx.step.measurement(measure(prefix + "score", report->score, "score", "CPU", {}));
    }
    return *report;
  }

  static void judge(StageContext& ctx, const hepbench::Report& r, const std::vector<double>& mhz) {
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
      ctx.step.measurement(measure("workload_copy_cv", w.per_copy.cv * 100.0, "%", "workload " + w.name, {}));
    }
    for (std::size_t i = 0; i < r.copy_scores.size() && i < r.cpus.size(); ++i) {
      ctx.step.measurement(measure("copy_score", r.copy_scores[i], "score", fmt::format("CPU {}", r.cpus[i]), {}));
    }
    ctx.step.measurement(measure("copy_score_min", r.per_copy.min, "score", "CPU", {}));
    ctx.step.measurement(measure("copy_score_median", r.per_copy.median, "score", "CPU", {}));
    ctx.step.measurement(measure("copy_score_max", r.per_copy.max, "score", "CPU", {}));
    std::vector<Limit> cv_limits;
    if (auto l = configured_limit(ctx.config, "benchmark.max_copy_cv_percent")) cv_limits.push_back(*l);
    auto cv = measure("copy_score_cv", r.per_copy.cv * 100.0, "%", "CPU", cv_limits);
    cv.key_figure = true;
    ctx.step.measurement(cv);
    if (!mhz.empty()) {
      double avg = std::accumulate(mhz.begin(), mhz.end(), 0.0) / static_cast<double>(mhz.size());
      ctx.step.measurement(measure("cpu_mhz_average", avg, "MHz", "CPU", {}));
      ctx.step.measurement(measure("cpu_mhz_min", *std::min_element(mhz.begin(), mhz.end()), "MHz", "CPU", {}));
    }
    for (const auto& m : r.mismatches) {
      ctx.step.fail("cpu-wrong-result", m.describe(), fmt::format("CPU {}", m.cpu));
    }
    if (!score.passed()) {
      ctx.step.fail("benchmark-below-tender",
                    fmt::format("benchmark score {:.1f} is below the tender's minimum {:.1f}: check BIOS power "
                                "and turbo settings, memory population and cooling",
                                r.score, *ctx.config.limit("benchmark.min_score")),
                    "CPU");
    }
    if (!cv.passed()) {
      ctx.step.fail("benchmark-copy-spread",
                    fmt::format("per-copy scores vary by {:.1f}% (limit {:.1f}%): a slow or throttling core "
                                "(slowest copy {:.1f}, fastest {:.1f})",
                                r.per_copy.cv * 100.0, *ctx.config.limit("benchmark.max_copy_cv_percent"),
                                r.per_copy.min, r.per_copy.max),
                    "CPU");
    }
    ctx.step.tool_version("kiln-hepbench", "1");
  }
};

}  // namespace

std::unique_ptr<Stage> make_benchmark_stage() { return std::make_unique<BenchmarkStage>(); }

}  // namespace kiln::runner
