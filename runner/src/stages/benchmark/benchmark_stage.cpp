// benchmark: kiln's HEPSpec-like throughput score (runner/src/hepbench/), one
// copy per core, reference-normalised, every result checked against its
// checksum so a silently miscomputing core FAILs.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <numeric>

#include "kiln/limits_catalog.hpp"
#include "stage/tool_command.hpp"
#include "stages/benchmark/benchmark_judge.hpp"
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

std::chrono::milliseconds expected_duration(const hepbench::RunLength& length,
                                            std::size_t workloads) {
  return length.time_box_per_workload * static_cast<long long>(workloads);
}

class BenchmarkStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("benchmark");
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
    if (ctx.params.get_bool("smt_compare") &&
        policy->placement != hepbench::CopyPlacement::kPerPhysicalCore) {
      auto cores =
          run_once(ctx, *length, {hepbench::CopyPlacement::kPerPhysicalCore, 0}, *reference, false);
      if (cores && cores->score > 0) {
        ctx.step.measurement(
            measure("smt_gain", (report->score / cores->score - 1.0) * 100.0, "%", "CPU", {}));
      }
    }
  }

 private:
  static std::optional<hepbench::Report> run_once(StageContext& ctx,
                                                  const hepbench::RunLength& length,
                                                  const hepbench::CopyPolicy& policy,
                                                  const hepbench::Reference& reference,
                                                  bool judged) {
    auto cpus = bench_cpus(ctx.host, policy);
    if (!cpus) {
      ctx.step.error("benchmark-cpus", cpus.error().message);
      return std::nullopt;
    }
    hepbench::BenchmarkConfig config;
    config.cpus = *cpus;
    config.workloads = ctx.params.get_list("workloads");
    config.length = length;
    std::size_t nworkloads =
        config.workloads.empty() ? hepbench::workload_kinds().size() : config.workloads.size();
    RunSampler sampler(ctx, expected_duration(length, nworkloads));
    auto report = hepbench::run_benchmark(config, reference);
    sampler.stop();
    if (!report) {
      ctx.step.error("benchmark-start", report.error().message);
      return std::nullopt;
    }
    std::string mode =
        policy.placement == hepbench::CopyPlacement::kPerPhysicalCore ? "per-core" : "";
    std::string prefix = judged ? "" : mode + "_";
    if (judged) {
      judge(ctx, *report, sampler.samples());
    } else {
      ctx.step.measurement(measure(prefix + "score", report->score, "score", "CPU", {}));
    }
    return *report;
  }

  static void judge(StageContext& ctx, const hepbench::Report& r, const std::vector<double>& mhz) {
    judge_benchmark_report(ctx, r, mhz);
    ctx.step.tool_version("kiln-hepbench", "1");
  }
};

}  // namespace

std::unique_ptr<Stage> make_benchmark_stage() {
  return std::make_unique<BenchmarkStage>();
}

}  // namespace kiln::runner
