// CPU: stress-ng --cpu --verify per method for the stage's duration while a
// thread samples BMC sensors and CPU frequency; SEL entries and thermal
// throttle counters are compared before/after. A computation error, a sensor
// past its critical threshold or a critical SEL event FAILs naming it.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <numeric>

#include "kiln/limits_catalog.hpp"
#include "stage/bmc_target.hpp"
#include "stage/stress_ng_run.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/cpu/cpu_sensors.hpp"

namespace kiln::runner {
namespace {

constexpr const char* kDuration = "duration";
constexpr const char* kMethods = "methods";
constexpr const char* kWorkers = "workers";
constexpr const char* kSampleInterval = "sample_interval";
constexpr const char* kRequireBmc = "require_bmc";

class CpuStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("cpu");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    auto lan = bmc_lan_target(ctx.options);
    if (!lan) {
      ctx.step.error("bmc-address-invalid", lan.error().message);
      return;
    }
    BmcWatch bmc(ctx, *lan);
    bool have_bmc = connect_bmc(ctx, bmc);
    std::optional<std::vector<tools::SelEntry>> sel_before;
    if (have_bmc) {
      auto sel = bmc.read_sel();
      if (sel) {
        sel_before = std::move(*sel);
      } else {
        ctx.step.log(ocptv::LogSeverity::kWarning,
                     "SEL not read, new events will not be judged: " + sel.error().message);
      }
    }
    ThrottleCounters throttle_before = read_throttle_counters(ctx.host);

    auto methods = ctx.params.get_list(kMethods);
    if (methods.empty()) methods.emplace_back("all");
    auto duration = ctx.params.get_duration(kDuration);
    auto per_method = std::max<std::chrono::milliseconds>(
        std::chrono::seconds(1), duration / static_cast<long long>(methods.size()));
    std::vector<double> mhz_samples;  // per sample: mean over CPUs
    std::mutex mhz_mu;
    {
      ElapsedProgress progress(ctx.step, per_method * static_cast<long long>(methods.size()), 0.0,
                               0.95, "stress-ng --cpu");
      PeriodicTask sampler(
          ctx.params.get_duration(kSampleInterval),
          [&] {
            if (have_bmc) bmc.sample();
            auto mhz = read_cpu_mhz(ctx.host);
            if (mhz.empty()) return;
            std::lock_guard lock(mhz_mu);
            mhz_samples.push_back(std::accumulate(mhz.begin(), mhz.end(), 0.0) /
                                  static_cast<double>(mhz.size()));
          },
          ctx.step, "the CPU frequency and BMC sensor sampler");
      for (const auto& method : methods) {
        if (stop_requested(ctx)) break;
        run_method(ctx, method, per_method);
      }
    }
    judge_frequency(ctx, mhz_samples);
    judge_throttle(ctx, throttle_before, read_throttle_counters(ctx.host));
    if (have_bmc) judge_bmc(ctx, bmc, sel_before);
    ctx.step.progress(1.0, "cpu done");
  }

 private:
  static bool connect_bmc(StageContext& ctx, BmcWatch& bmc) {
    auto probed = bmc.probe();
    if (probed) return true;
    std::string message =
        fmt::format("no BMC reachable ({}): {}",
                    ctx.options.bmc_host.empty() ? "in-band, /dev/ipmi0" : ctx.options.bmc_host,
                    probed.error().message);
    if (ctx.params.get_bool(kRequireBmc)) {
      ctx.step.error("bmc-unreachable",
                     message +
                         ". Next step: load ipmi_si/ipmi_devintf or check the BMC's "
                         "LAN settings; the delivery requires sensor checks");
    } else {
      ctx.step.log(ocptv::LogSeverity::kWarning, message + ": sensors and SEL are not checked");
    }
    return false;
  }

  static void run_method(StageContext& ctx, const std::string& method,
                         std::chrono::milliseconds duration) {
    tools::StressNgCpuJob job;
    job.workers = static_cast<int>(ctx.params.get_int(kWorkers));
    job.method = method;
    job.timeout_s = static_cast<int>(std::max<long long>(1, duration.count() / 1000));
    job.verify = true;
    auto argv = tools::stress_ng_cpu_argv(job);
    ctx.step.info(
        fmt::format("cpu method {} for {} s: {}", method, job.timeout_s, command_text(argv)));
    auto outcome =
        run_stress_ng(ctx, argv, stress_ng_deadline(duration), "stress-ng-cpu-" + method);
    for (const auto& m : outcome.metrics) {
      if (!m.bogo_ops_per_s_real) continue;
      auto meas = measure("stress_ng_cpu_" + method + "_bogo_ops_per_s", *m.bogo_ops_per_s_real,
                          "ops/s", "CPU", {});
      meas.key_figure = true;
      ctx.step.measurement(meas);
    }
    if (!outcome.verify_failures.empty()) {
      ctx.step.fail("KILN-CPU-COMPUTATION-ERROR",
                    {{"method", method},
                     {"details", fmt::format("{}", fmt::join(outcome.verify_failures, "; "))}},
                    "CPU");
    }
  }

  static void judge_frequency(StageContext& ctx, const std::vector<double>& samples) {
    if (samples.empty()) {
      ctx.step.info(
          "CPU frequency not sampled (no cpufreq and no 'cpu MHz' in /proc/cpuinfo, or the run was "
          "shorter than the sample interval)");
      return;
    }
    std::vector<Limit> limits;
    if (auto l = configured_limit(ctx.config, "cpu.min_frequency_mhz")) limits.push_back(*l);
    double low = *std::min_element(samples.begin(), samples.end());
    double mean =
        std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
    auto m = measure("cpu_frequency_min", low, "MHz", "CPU", limits);
    ctx.step.measurement(m);
    auto avg = measure("cpu_frequency_mean", mean, "MHz", "CPU", {});
    avg.key_figure = true;
    ctx.step.measurement(avg);
    if (!m.passed()) {
      ctx.step.fail("KILN-CPU-FREQUENCY-LOW",
                    {{"low", fmt::format("{:.0f}", low)},
                     {"required", format_value(limits.front().threshold)}},
                    "CPU");
    }
  }

  static void judge_throttle(StageContext& ctx, const ThrottleCounters& before,
                             const ThrottleCounters& after) {
    if (after.core.empty() && after.package.empty()) {
      ctx.step.info(
          "no thermal_throttle counters in /sys/devices/system/cpu: throttling not checked");
      return;
    }
    auto limit = configured_limit(ctx.config, "cpu.throttle_events_max");
    auto judge_set = [&](const std::map<int, std::uint64_t>& b,
                         const std::map<int, std::uint64_t>& a, const std::string& what,
                         const std::string& name) {
      std::uint64_t worst = 0;
      int worst_id = -1;
      std::vector<std::string> over;
      for (const auto& [id, now] : a) {
        auto was = b.find(id);
        std::uint64_t delta = was != b.end() && now > was->second ? now - was->second : 0;
        if (worst_id < 0 || delta > worst) {
          worst = delta;
          worst_id = id;
        }
        if (limit && !judge(static_cast<double>(delta), *limit))
          over.push_back(fmt::format("{} {} ({})", what, id, delta));
      }
      if (worst_id < 0) return;
      std::vector<Limit> limits;
      if (limit) limits.push_back(*limit);
      ctx.step.measurement(measure(name, static_cast<double>(worst), "events",
                                   fmt::format("{} {}", what, worst_id), limits));
      if (!over.empty()) {
        ctx.step.fail("KILN-CPU-THERMAL-THROTTLING",
                      {{"allowed", format_value(limit->threshold)},
                       {"over", fmt::format("{}", fmt::join(over, ", "))}},
                      what == "CPU" ? "CPU" : "CPU package");
      }
    };
    judge_set(before.core, after.core, "CPU", "core_throttle_events_max");
    judge_set(before.package, after.package, "package", "package_throttle_events_max");
  }

  static void judge_bmc(StageContext& ctx, BmcWatch& bmc,
                        const std::optional<std::vector<tools::SelEntry>>& sel_before) {
    for (const auto& [name, ext] : bmc.extremes()) {
      if (ext.unit.find("degrees") != std::string::npos) {
        ctx.step.measurement(measure("sensor_max", ext.max, ext.unit, "sensor " + name, {}));
      } else if (ext.unit == "RPM") {
        ctx.step.measurement(measure("sensor_min", ext.min, ext.unit, "sensor " + name, {}));
      }
    }
    for (const auto& c : bmc.crossings()) {
      const auto& s = c.reading;
      ctx.step.fail("KILN-BMC-SENSOR-CRITICAL", {{"reading", s.reading}, {"status", s.status}},
                    "sensor " + s.name);
    }
    ctx.step.info(fmt::format("{} BMC sensor samples taken", bmc.samples()));
    if (!sel_before) return;
    auto sel_after = bmc.read_sel();
    if (!sel_after) {
      ctx.step.log(ocptv::LogSeverity::kWarning,
                   "SEL not read after the run: " + sel_after.error().message);
      return;
    }
    for (const auto& e : new_sel_entries(*sel_before, *sel_after)) {
      auto severity = tools::classify_sel_entry(e);
      std::string text = fmt::format("new SEL event: {} | {} | {} ({} {})", e.sensor, e.event,
                                     e.direction, e.date, e.time);
      if (severity == tools::SelSeverity::kCritical) {
        ctx.step.fail("KILN-SEL-CRITICAL-EVENT",
                      {{"sensor", e.sensor},
                       {"event", e.event},
                       {"direction", e.direction},
                       {"when", fmt::format("{} {}", e.date, e.time)}},
                      "SEL " + e.sensor);
      } else {
        ctx.step.log(severity == tools::SelSeverity::kWarning ? ocptv::LogSeverity::kWarning
                                                              : ocptv::LogSeverity::kInfo,
                     text);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Stage> make_cpu_stage() {
  return std::make_unique<CpuStage>();
}

}  // namespace kiln::runner
