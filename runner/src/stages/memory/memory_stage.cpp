// Memory: stress-ng --vm with --verify over a share of the memory the kernel
// says is available (less a reserve, so the runner is never OOM-killed), while
// EDAC counters are read before, during and after. A verify failure or an
// uncorrected error FAILs; corrected errors FAIL above the delivery's limit,
// naming the DIMM.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kiln/limits_catalog.hpp"
#include "stage/stress_ng_run.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/inventory/inventory_probe.hpp"
#include "stages/memory/edac_counters.hpp"
#include "stages/memtest/memtest_stage.hpp"
#include "tools/procfs.hpp"
#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

namespace scan = tools::scan;

constexpr const char* kDuration = "duration";
constexpr const char* kReserveMib = "reserve_mib";
constexpr const char* kSharePercent = "share_percent";
constexpr const char* kMaxMib = "max_mib";
constexpr const char* kWorkers = "workers";
constexpr const char* kMethod = "method";
constexpr const char* kEdacInterval = "edac_interval";
constexpr const char* kEngine = "engine";
constexpr const char* kMemtestPrefix = "memtest_";

constexpr std::uint64_t kMinTestKib = 16 * 1024;

class MemoryStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("memory");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    bool use_stress_ng = false;
    bool use_kiln = false;
    for (const auto& engine : ctx.params.get_list(kEngine)) {
      if (engine == "stress-ng") {
        use_stress_ng = true;
      } else if (engine == "kiln") {
        use_kiln = true;
      } else {
        ctx.step.error("memory-bad-engine",
                       fmt::format("unknown memory engine '{}' (use stress-ng and/or kiln)", engine));
        return;
      }
    }
    EdacSnapshot before = read_edac(ctx.host);
    if (!before.present) {
      ctx.step.info(
          fmt::format("no EDAC memory controller under {}: ECC errors cannot be counted "
                      "(no ECC memory, or the EDAC driver is not loaded)",
                      kEdacRoot));
    }
    if (use_stress_ng) run_stress_ng_vm(ctx, before);
    if (use_kiln) run_memtest_engine(ctx, kMemtestPrefix);
    if (before.present) judge_edac(ctx, before, read_edac(ctx.host));
    ctx.step.progress(1.0, "memory done");
  }

 private:
  static void run_stress_ng_vm(StageContext& ctx, const EdacSnapshot& before) {
    auto plan = plan_size(ctx);
    if (!plan) return;
    auto duration = ctx.params.get_duration(kDuration);
    tools::StressNgVmJob job;
    job.workers = plan->workers;
    job.bytes = fmt::format("{}k", plan->total_kib / static_cast<std::uint64_t>(plan->workers));
    job.method = ctx.params.get_string(kMethod);
    job.timeout_s = static_cast<int>(std::max<long long>(1, duration.count() / 1000));
    job.verify = true;
    auto argv = tools::stress_ng_vm_argv(job);
    ctx.step.info(fmt::format("testing {:.2f} GiB with {} vm workers for {} s: {}",
                              static_cast<double>(plan->total_kib) / (1024.0 * 1024.0),
                              plan->workers, job.timeout_s, command_text(argv)));

    StressNgOutcome outcome;
    {
      ElapsedProgress progress(ctx.step, duration, 0.0, 0.95, "stress-ng --vm");
      EdacSnapshot last = before;
      std::mutex last_mu;
      std::unique_ptr<PeriodicTask> sampler;
      if (before.present) {
        sampler = std::make_unique<PeriodicTask>(
            ctx.params.get_duration(kEdacInterval),
            [&] {
              EdacSnapshot now = read_edac(ctx.host);
              std::lock_guard lock(last_mu);
              for (const auto& c : edac_changes(last, now)) {
                ctx.step.log(
                    ocptv::LogSeverity::kWarning,
                    fmt::format(
                        "EDAC during the run: {} new corrected, {} new uncorrected errors on {}",
                        c.ce_delta, c.ue_delta, describe_unit(c.unit, c.unattributed)));
              }
              last = std::move(now);
            },
            ctx.step, "the EDAC sampler");
      }
      outcome = run_stress_ng(ctx, argv, stress_ng_deadline(duration), "stress-ng-vm");
    }
    for (const auto& m : outcome.metrics) {
      if (m.bogo_ops_per_s_real) {
        ctx.step.measurement(measure("stress_ng_" + m.stressor + "_bogo_ops_per_s",
                                     *m.bogo_ops_per_s_real, "ops/s", "memory", {}));
      }
    }
    auto tested = measure("memory_tested", static_cast<double>(plan->total_kib) / (1024.0 * 1024.0),
                          "GiB", "memory", {});
    tested.key_figure = true;
    ctx.step.measurement(tested);
    if (!outcome.verify_failures.empty()) {
      ctx.step.fail("KILN-MEM-VERIFY-FAILED",
                    {{"what", fmt::format("{}", fmt::join(outcome.verify_failures, "; "))}},
                    std::string("memory"));
    }
  }

  struct SizePlan {
    std::uint64_t total_kib = 0;
    int workers = 1;
  };

  static std::optional<SizePlan> plan_size(StageContext& ctx) {
    auto meminfo = ctx.host.read_file("/proc/meminfo");
    std::optional<std::uint64_t> avail;
    if (meminfo) avail = tools::meminfo_kib(*meminfo, "MemAvailable");
    if (!avail) {
      ctx.step.error("meminfo-unreadable",
                     fmt::format("cannot read MemAvailable from /proc/meminfo: {}",
                                 meminfo ? "no MemAvailable line" : meminfo.error().message));
      return std::nullopt;
    }
    auto reserve_kib =
        static_cast<std::uint64_t>(std::max<long long>(0, ctx.params.get_int(kReserveMib))) * 1024;
    double share = std::clamp(ctx.params.get_double(kSharePercent), 0.0, 100.0) / 100.0;
    std::uint64_t usable = *avail > reserve_kib ? *avail - reserve_kib : 0;
    auto total = static_cast<std::uint64_t>(static_cast<double>(usable) * share);
    if (long long max_mib = ctx.params.get_int(kMaxMib); max_mib > 0) {
      total = std::min(total, static_cast<std::uint64_t>(max_mib) * 1024);
    }
    if (total < kMinTestKib) {
      ctx.step.error(
          "memory-too-little-available",
          fmt::format("only {} MiB available with a reserve of {} MiB ({}% share): nothing "
                      "left to test. Next step: lower {} or free memory",
                      *avail / 1024, reserve_kib / 1024, share * 100.0, kReserveMib));
      return std::nullopt;
    }
    int workers = static_cast<int>(ctx.params.get_int(kWorkers));
    if (workers <= 0) {
      auto cpuinfo = ctx.host.read_file("/proc/cpuinfo");
      workers = cpuinfo ? std::max(1, parse_cpuinfo(*cpuinfo).threads) : 1;
    }
    ctx.step.measurement(measure(
        "memory_available", static_cast<double>(*avail) / (1024.0 * 1024.0), "GiB", "memory", {}));
    return SizePlan{total, workers};
  }

  static void judge_edac(StageContext& ctx, const EdacSnapshot& before, const EdacSnapshot& after) {
    auto ce_limit = configured_limit(ctx.config, "memory.edac_corrected_max");
    auto ue_limit = configured_limit(ctx.config, "memory.edac_uncorrected_max");
    // An uncorrected error is a defect whatever the delivery says; its limit can only be lower.
    Limit ue_rule = ue_limit.value_or(
        Limit{"uncorrected errors (none tolerated)", Comparison::kLessThanOrEqual, 0.0, {}});
    std::uint64_t ce_total = 0;
    std::uint64_t ue_total = 0;
    for (const auto& c : edac_changes(before, after)) {
      std::string who = describe_unit(c.unit, c.unattributed);
      ce_total += c.ce_delta;
      ue_total += c.ue_delta;
      if (c.ce_delta > 0) {
        std::vector<Limit> limits;
        if (ce_limit) limits.push_back(*ce_limit);
        auto m = measure("edac_corrected_errors", static_cast<double>(c.ce_delta), "errors", who,
                         limits);
        ctx.step.measurement(m);
        if (!m.passed()) {
          ctx.step.fail("KILN-MEM-CORRECTED-ERRORS",
                        {{"count", catalog::count_of(c.ce_delta, "corrected memory error",
                                                     "corrected memory errors")},
                         {"allowed", format_value(ce_limit->threshold)}},
                        who);
        } else if (!ce_limit) {
          ctx.step.log(
              ocptv::LogSeverity::kWarning,
              fmt::format("{}: {} corrected memory errors (no limit memory.edac_corrected_max "
                          "configured)",
                          who, c.ce_delta));
        }
      }
      if (c.ue_delta > 0) {
        auto m = measure("edac_uncorrected_errors", static_cast<double>(c.ue_delta), "errors", who,
                         {ue_rule});
        ctx.step.measurement(m);
        if (!m.passed()) {
          ctx.step.fail("KILN-MEM-UNCORRECTED-ERRORS",
                        {{"count", catalog::count_of(c.ue_delta, "uncorrected memory error",
                                                     "uncorrected memory errors")}},
                        who);
        }
      }
    }
    ctx.step.measurement(measure("edac_corrected_errors_total", static_cast<double>(ce_total),
                                 "errors", "memory", {}));
    ctx.step.measurement(measure("edac_uncorrected_errors_total", static_cast<double>(ue_total),
                                 "errors", "memory", {}));
  }
};

}  // namespace

std::unique_ptr<Stage> make_memory_stage() {
  return std::make_unique<MemoryStage>();
}

}  // namespace kiln::runner
