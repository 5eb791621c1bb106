// Disk performance: a reference fio suite per disk (sequential 1M read/write,
// 4k random read/write at the configured queue depth, direct I/O, time-boxed)
// with MB/s, IOPS and p99 latency judged against the delivery's fio.* limits.
// Write jobs run only where disk_safety allows them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <thread>

#include "disks/disk_identity.hpp"
#include "disks/disk_safety.hpp"
#include "kiln/limits_catalog.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "tools/fio.hpp"

namespace kiln::runner {
namespace {

constexpr const char* kRuntime = "runtime";
constexpr const char* kIodepth = "iodepth";
constexpr const char* kWrite = "write";
constexpr const char* kAllowSignatures = "allow_signatures";
constexpr const char* kSize = "size";
constexpr const char* kIoengine = "ioengine";
constexpr const char* kParallel = "parallel";

struct ReferenceJob {
  std::string_view name;
  std::string_view rw;
  std::string_view bs;
  bool writes;
  std::string_view bandwidth_limit;  // MB/s, may be empty
  std::string_view iops_limit;
  std::string_view p99_limit;
};

constexpr ReferenceJob kSuite[] = {
    {"seq_read", "read", "1M", false, "fio.seq_read_min_mbps", "", ""},
    {"rand_read", "randread", "4k", false, "", "fio.rand_read_min_iops",
     "fio.rand_read_p99_max_us"},
    {"seq_write", "write", "1M", true, "fio.seq_write_min_mbps", "", ""},
    {"rand_write", "randwrite", "4k", true, "", "fio.rand_write_min_iops",
     "fio.rand_write_p99_max_us"},
};

class DiskPerfStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("disk-perf");
    return kInfo;
  }

  std::vector<catalog::ComponentIdentity> components(HostAdapter& host,
                                                     const StageParams& /*params*/,
                                                     const RunOptions& options) override {
    return disk_identities(host, options.disks);
  }

  void run(StageContext& ctx) override {
    if (ctx.options.disks.empty()) {
      ctx.step.skip("no target disks: pass --disk /dev/X for each disk to measure");
      return;
    }
    auto runtime = ctx.params.get_duration(kRuntime);
    auto total = runtime * static_cast<long long>(std::size(kSuite) * ctx.options.disks.size());
    if (ctx.params.get_bool(kParallel)) total /= static_cast<long long>(ctx.options.disks.size());
    ElapsedProgress progress(ctx.step, total, 0.0, 0.99, "fio");
    if (ctx.params.get_bool(kParallel)) {
      std::vector<std::thread> threads;
      for (const auto& path : ctx.options.disks) {
        threads.emplace_back([&ctx, &path] { measure_disk_guarded(ctx, path); });
      }
      for (auto& t : threads) t.join();
    } else {
      for (const auto& path : ctx.options.disks) {
        if (stop_requested(ctx)) break;
        measure_disk_guarded(ctx, path);
      }
    }
  }

 private:
  static void measure_disk_guarded(StageContext& ctx, const std::string& path) {
    try {
      measure_disk(ctx, path);
    } catch (const std::exception& e) {
      ctx.step.error("stage-exception", fmt::format("{}: internal error: {}", path, e.what()));
    }
  }

  static bool writes_allowed(StageContext& ctx, const DiskTarget& disk) {
    if (!ctx.params.get_bool(kWrite)) {
      ctx.step.info(fmt::format("{}: read jobs only (parameter write is false)", disk.path));
      return false;
    }
    if (!ctx.options.destructive_confirmed) {
      ctx.step.log(
          ocptv::LogSeverity::kWarning,
          fmt::format("{}: read jobs only: write jobs destroy data and the run is not confirmed "
                      "destructive (--i-know-this-wipes)",
                      disk.path));
      return false;
    }
    DestructiveRequest request{true, true, ctx.params.get_bool(kAllowSignatures), "fio write jobs"};
    auto verdict = check_destructive(ctx.host, disk, request);
    if (!verdict.allowed) {
      ctx.step.error("disk-refused", verdict.reason + " (read jobs still run)");
      return false;
    }
    if (!verdict.reason.empty()) ctx.step.log(ocptv::LogSeverity::kWarning, verdict.reason);
    return true;
  }

  static void measure_disk(StageContext& ctx, const std::string& path) {
    auto disk = resolve_disk(ctx.host, path);
    if (!disk) {
      ctx.step.error("disk-not-found", disk.error().message);
      return;
    }
    const catalog::ComponentIdentity part = disk_identity(ctx.host, *disk);
    bool writes = writes_allowed(ctx, *disk);
    for (const auto& job : kSuite) {
      if (job.writes && !writes) continue;
      if (stop_requested(ctx)) return;
      run_job(ctx, *disk, job, part);
    }
  }

  static void run_job(StageContext& ctx, const DiskTarget& disk, const ReferenceJob& job,
                      const catalog::ComponentIdentity& part) {
    tools::FioJobSpec spec;
    spec.name = std::string(job.name);
    spec.filename = disk.path;
    spec.rw = std::string(job.rw);
    spec.bs = std::string(job.bs);
    auto depth = static_cast<int>(std::max<long long>(1, ctx.params.get_int(kIodepth)));
    spec.iodepth = job.bs == "1M" ? std::min(depth, 8) : depth;
    spec.direct = true;
    spec.runtime_s =
        static_cast<int>(std::max<long long>(1, ctx.params.get_duration(kRuntime).count() / 1000));
    spec.time_based = true;
    spec.size = ctx.params.get_string(kSize);
    spec.ioengine = ctx.params.get_string(kIoengine);
    auto argv = tools::fio_argv(spec);
    auto timeout = std::chrono::seconds(spec.runtime_s) + std::chrono::seconds(120);
    auto result = run_tool(ctx, argv, timeout, fmt::format("fio-{}-{}", disk.name, job.name));
    if (!result || !result->exited_with(0)) {
      report_tool_failure(ctx, argv, result, "fio-failed",
                          "check that the disk is present and not in use");
      return;
    }
    auto parsed = tools::parse_fio_json(result->stdout_text);
    if (!parsed) {
      ctx.step.error("tool-output-unparseable",
                     fmt::format("`{}`: {}", command_text(argv), parsed.error().message));
      return;
    }
    if (parsed->jobs.empty() || parsed->any_job_error()) {
      ctx.step.error("fio-job-error",
                     fmt::format("`{}`: fio reported job error {}", command_text(argv),
                                 parsed->jobs.empty() ? 0 : parsed->jobs.front().error));
      return;
    }
    const auto& dir = job.writes ? parsed->jobs.front().write : parsed->jobs.front().read;
    std::vector<std::string> required;  // the limits not met: "rand_read_iops >= 50000 IOPS"
    auto record = [&](const std::string& name, double value, const char* unit,
                      std::string_view limit_name) {
      std::vector<Limit> limits;
      if (!limit_name.empty()) {
        if (auto l = configured_limit(ctx.config, limit_name)) limits.push_back(*l);
      }
      auto m = measure(name, value, unit, part, limits);
      m.key_figure = !limit_name.empty();
      for (const auto& c : m.checks) {
        if (c.passed) continue;
        required.push_back(fmt::format("{} {}", name, describe_requirement(c.limit, unit)));
      }
      ctx.step.measurement(std::move(m));
    };
    record(std::string(job.name) + "_bandwidth", dir.bw_mb_s, "MB/s", job.bandwidth_limit);
    record(std::string(job.name) + "_iops", dir.iops, "IOPS", job.iops_limit);
    if (auto p99 = dir.clat_p99_us ? dir.clat_p99_us : dir.lat_p99_us) {
      record(std::string(job.name) + "_p99_latency", *p99, "us", job.p99_limit);
    }
    if (!required.empty()) {
      auto p99 = dir.clat_p99_us ? dir.clat_p99_us : dir.lat_p99_us;
      ctx.step.fail(
          "KILN-DISK-PERF-BELOW-TENDER",
          {{"job", std::string(job.name)},
           {"rw", std::string(job.rw)},
           {"bs", std::string(job.bs)},
           {"depth", std::to_string(spec.iodepth)},
           {"figures", fmt::format("{:.1f} MB/s, {:.0f} IOPS{}", dir.bw_mb_s, dir.iops,
                                   p99 ? fmt::format(", p99 latency {:.0f} us", *p99) : "")},
           {"required", fmt::format("{}", fmt::join(required, " and "))}},
          part);
    }
  }
};

}  // namespace

std::unique_ptr<Stage> make_disk_perf_stage() {
  return std::make_unique<DiskPerfStage>();
}

}  // namespace kiln::runner
