// Disk: every --disk in parallel (a thread each): SMART snapshot, optional
// SMART self-test, badblocks, SMART snapshot again. Bad blocks, a failed
// health, and SMART counters that grew past the delivery's limits FAIL naming
// the disk's serial. Destructive scans only where disk_safety allows them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <thread>

#include "disks/disk_identity.hpp"
#include "disks/disk_safety.hpp"
#include "kiln/limits_catalog.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/disk/badblocks_progress.hpp"
#include "stages/disk/disk_smart.hpp"

namespace kiln::runner {
namespace {

constexpr const char* kMode = "mode";
constexpr const char* kPasses = "passes";
constexpr const char* kSsdSinglePass = "ssd_single_write_pass";
constexpr const char* kBlockSize = "block_size";
constexpr const char* kPatterns = "patterns";
constexpr const char* kSelfTest = "selftest";
constexpr const char* kSelfTestTimeout = "selftest_timeout";
constexpr const char* kSelfTestPoll = "selftest_poll";
constexpr const char* kTimeout = "timeout";
constexpr const char* kAllowSignatures = "allow_signatures";

struct DiskPlan {
  tools::BadblocksMode mode = tools::BadblocksMode::kNonDestructive;
  std::optional<tools::SmartSelfTest> self_test;
};

class DiskStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("disk");
    return kInfo;
  }

  std::vector<catalog::ComponentIdentity> components(HostAdapter& host,
                                                     const StageParams& /*params*/,
                                                     const RunOptions& options) override {
    return disk_identities(host, options.disks);
  }

  void run(StageContext& ctx) override {
    if (ctx.options.disks.empty()) {
      ctx.step.skip("no target disks: pass --disk /dev/X for each disk to test");
      return;
    }
    auto plan = make_plan(ctx);
    if (!plan) return;
    std::vector<std::unique_ptr<BadblocksProgress>> progress;
    std::vector<std::thread> threads;
    std::mutex progress_mu;
    for (std::size_t i = 0; i < ctx.options.disks.size(); ++i) progress.emplace_back();
    {
      PeriodicTask reporter(
          std::chrono::seconds(2),
          [&] {
            std::lock_guard lock(progress_mu);
            double sum = 0;
            for (auto& p : progress) sum += p ? p->update() : 0.0;
            ctx.step.progress(0.05 + 0.9 * sum / static_cast<double>(progress.size()), "badblocks");
          },
          ctx.step, "the badblocks progress reporter");
      for (std::size_t i = 0; i < ctx.options.disks.size(); ++i) {
        threads.emplace_back([&, i] {
          try {
            test_disk(ctx, *plan, ctx.options.disks[i], [&](std::unique_ptr<BadblocksProgress> p) {
              std::lock_guard lock(progress_mu);
              progress[i] = std::move(p);
            });
          } catch (const std::exception& e) {
            ctx.step.error("stage-exception",
                           fmt::format("{}: internal error: {}", ctx.options.disks[i], e.what()));
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    ctx.step.progress(1.0, "disks done");
  }

 private:
  static std::optional<DiskPlan> make_plan(StageContext& ctx) {
    DiskPlan plan;
    std::string mode = ctx.params.get_string(kMode);
    if (mode == "write") {
      plan.mode = tools::BadblocksMode::kDestructiveWrite;
    } else if (mode == "nondestructive") {
      plan.mode = tools::BadblocksMode::kNonDestructive;
    } else if (mode == "readonly") {
      plan.mode = tools::BadblocksMode::kReadOnly;
    } else {
      ctx.step.error("bad-parameter",
                     fmt::format("disk: mode '{}' is not readonly, nondestructive or write", mode));
      return std::nullopt;
    }
    std::string test = ctx.params.get_string(kSelfTest);
    if (test == "short") {
      plan.self_test = tools::SmartSelfTest::kShort;
    } else if (test == "long") {
      plan.self_test = tools::SmartSelfTest::kLong;
    } else if (test != "none") {
      ctx.step.error("bad-parameter",
                     fmt::format("disk: selftest '{}' is not none, short or long", test));
      return std::nullopt;
    }
    return plan;
  }

  using ProgressSink = std::function<void(std::unique_ptr<BadblocksProgress>)>;

  static void test_disk(StageContext& ctx, const DiskPlan& plan, const std::string& path,
                        const ProgressSink& progress) {
    auto disk = resolve_disk(ctx.host, path);
    if (!disk) {
      ctx.step.error("disk-not-found", disk.error().message);
      return;
    }
    tools::BadblocksSpec spec;
    spec.device = disk->path;
    spec.mode = plan.mode;
    spec.block_size = static_cast<int>(ctx.params.get_int(kBlockSize));
    spec.passes = static_cast<int>(std::max<long long>(1, ctx.params.get_int(kPasses)));
    spec.patterns = ctx.params.get_list(kPatterns);
    if (plan.mode == tools::BadblocksMode::kDestructiveWrite && disk->rotational == false &&
        spec.passes > 1 && ctx.params.get_bool(kSsdSinglePass)) {
      ctx.step.info(
          fmt::format("{} is solid state: one write pass instead of {}", disk->path, spec.passes));
      spec.passes = 1;
    }
    if (plan.mode != tools::BadblocksMode::kReadOnly) {
      DestructiveRequest request{true, ctx.options.destructive_confirmed,
                                 ctx.params.get_bool(kAllowSignatures),
                                 plan.mode == tools::BadblocksMode::kDestructiveWrite
                                     ? "badblocks -w (erases the disk)"
                                     : "badblocks -n (rewrites every block in place)"};
      auto verdict = check_destructive(ctx.host, *disk, request);
      if (!verdict.allowed) {
        ctx.step.error("disk-refused", verdict.reason);
        return;
      }
      if (!verdict.reason.empty()) ctx.step.log(ocptv::LogSeverity::kWarning, verdict.reason);
    }
    SmartRead before = read_smart(ctx, *disk, "before");
    catalog::ComponentIdentity part = disk_identity(ctx.host, *disk);
    if (before.snapshot) {
      // smartctl knows the drive behind controllers that hide it from sysfs.
      if (!before.snapshot->serial.empty()) part.serial = before.snapshot->serial;
      if (!before.snapshot->model.empty()) part.model = before.snapshot->model;
      if (!before.snapshot->firmware.empty()) part.firmware = before.snapshot->firmware;
      ctx.step.info(fmt::format("{}: model '{}', firmware '{}'", catalog::label(part), part.model,
                                part.firmware));
      if (plan.self_test) {
        run_self_test(ctx, *disk, *plan.self_test, ctx.params.get_duration(kSelfTestTimeout),
                      ctx.params.get_duration(kSelfTestPoll), part);
      }
    }
    if (stop_requested(ctx)) return;
    run_badblocks(ctx, spec, *disk, part, progress);
    if (!before.snapshot) return;
    SmartRead after = read_smart(ctx, *disk, "after");
    if (after.snapshot) judge_smart(ctx, *before.snapshot, *after.snapshot, part);
  }

  static void run_badblocks(StageContext& ctx, const tools::BadblocksSpec& spec,
                            const DiskTarget& disk, const catalog::ComponentIdentity& part,
                            const ProgressSink& progress) {
    auto argv = tools::badblocks_argv(spec);
    std::string log_name = "badblocks-" + disk.name;
    if (!ctx.log_dir.empty()) {
      progress(std::make_unique<BadblocksProgress>(
          ctx.log_dir / (log_name + ".log"),
          BadblocksProgress::expected_phases(spec.mode, static_cast<int>(spec.patterns.size()),
                                             spec.passes)));
    }
    ctx.step.info(fmt::format("{}: {}", catalog::label(part), command_text(argv)));
    auto result = run_tool(ctx, argv, ctx.params.get_duration(kTimeout), log_name);
    if (!result) {
      report_tool_failure(ctx, argv, result, "badblocks-failed", "install e2fsprogs in the image");
      return;
    }
    auto parsed = tools::parse_badblocks(result->stdout_text, result->stderr_text);
    std::uint64_t bad = parsed ? parsed->bad_block_count() : 0;
    if (bad > 0) judge_bad_blocks(ctx, *parsed, part);
    if (!result->exited_with(0)) {
      report_tool_failure(
          ctx, argv, result, "badblocks-failed",
          "check that nothing uses the disk (mounted, swap, RAID) and rerun the stage");
      return;
    }
    if (!parsed) {
      ctx.step.error("tool-output-unparseable",
                     fmt::format("`{}`: {}", command_text(argv), parsed.error().message));
      return;
    }
    if (!parsed->completed) {
      ctx.step.error(
          "badblocks-incomplete",
          fmt::format("`{}` exited 0 without a \"Pass completed\" line: the scan did not finish",
                      command_text(argv)));
      return;
    }
    if (bad == 0) judge_bad_blocks(ctx, *parsed, part);
  }

  static void judge_bad_blocks(StageContext& ctx, const tools::BadblocksResult& r,
                               const catalog::ComponentIdentity& part) {
    // A bad block is a defect unless the delivery tolerates some.
    Limit rule =
        configured_limit(ctx.config, "disk.bad_blocks_max")
            .value_or(Limit{"bad blocks (none tolerated)", Comparison::kLessThanOrEqual, 0.0, {}});
    std::uint64_t bad = r.bad_block_count();
    auto m = measure("bad_blocks", static_cast<double>(bad), "blocks", part, {rule});
    m.key_figure = true;
    ctx.step.measurement(m);
    if (m.passed()) return;
    std::vector<std::uint64_t> first(
        r.bad_blocks.begin(),
        r.bad_blocks.begin() +
            static_cast<std::ptrdiff_t>(std::min<std::size_t>(8, r.bad_blocks.size())));
    ctx.step.log(ocptv::LogSeverity::kWarning,
                 fmt::format("{}: {} read, {} write, {} corruption errors; first bad blocks: {}",
                             catalog::label(part), r.read_errors, r.write_errors,
                             r.corruption_errors, fmt::join(first, ", ")));
    ctx.step.fail("KILN-DISK-BAD-BLOCKS",
                  {{"bad_blocks", catalog::count_of(bad, "bad block", "bad blocks")},
                   {"allowed", format_value(rule.threshold)}},
                  part);
  }
};

}  // namespace

std::unique_ptr<Stage> make_disk_stage() {
  return std::make_unique<DiskStage>();
}

}  // namespace kiln::runner
