#include "stages/disk/disk_smart.hpp"

#include <fmt/format.h>

#include <thread>

#include "kiln/limits_catalog.hpp"
#include "stage/tool_command.hpp"
#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

constexpr auto kSmartTimeout = std::chrono::seconds(120);

struct WatchedCounter {
  std::string_view counter_prefix;  // as tools::diff names it
  std::string_view measurement;
  std::string_view limit;
};

constexpr WatchedCounter kWatched[] = {
    {"5 ", "smart_reallocated_sectors_delta", "disk.reallocated_sectors_delta_max"},
    {"197 ", "smart_pending_sectors_delta", "disk.pending_sectors_delta_max"},
    {"198 ", "smart_offline_uncorrectable_delta", "disk.offline_uncorrectable_delta_max"},
    {"199 ", "smart_udma_crc_errors_delta", "disk.udma_crc_errors_delta_max"},
    {"nvme media_errors", "nvme_media_errors_delta", "disk.nvme_media_errors_delta_max"},
    {"scsi grown_defects", "scsi_grown_defects_delta", "disk.grown_defects_delta_max"},
};

bool says_no_device_type(const tools::SmartSnapshot& s) {
  for (const auto& m : s.messages) {
    if (tools::scan::icontains(m.text, "Unable to detect device type")) return true;
  }
  return false;
}

// smartctl's own words ("/dev/loop0: Unable to detect device type"), else its exit bits.
std::string smartctl_says(const Expected<tools::SmartSnapshot>& snap,
                          const tools::SmartctlExit& exit) {
  if (snap && !snap->messages.empty()) return snap->messages.front().text;
  return tools::describe(exit);
}

}  // namespace

SmartRead read_smart(StageContext& ctx, const DiskTarget& disk, const std::string& when) {
  SmartRead out;
  auto argv = tools::smartctl_info_argv(disk.path);
  auto result = run_tool(ctx, argv, kSmartTimeout, fmt::format("smartctl-{}-{}", disk.name, when));
  if (!result || result->timed_out || result->signalled) {
    report_tool_failure(ctx, argv, result, "smartctl-failed",
                        "check the disk's cabling and controller");
    out.failed = true;
    return out;
  }
  auto exit = tools::decode_smartctl_exit(result->exit_code);
  auto snap = tools::parse_smartctl_json(result->stdout_text);
  if (exit.no_data()) {
    bool unsupported = disk.virtual_device || (snap && says_no_device_type(*snap));
    if (unsupported) {
      ctx.step.info(fmt::format("{} has no SMART (smartctl: {}): only badblocks is judged",
                                disk.path, smartctl_says(snap, exit)));
      out.no_smart = true;
    } else {
      ctx.step.error(
          "smartctl-no-data",
          fmt::format("`{}`: {}. Next step: check that the disk is present and its controller "
                      "is supported (smartctl -d TYPE)",
                      command_text(argv), smartctl_says(snap, exit)));
      out.failed = true;
    }
    return out;
  }
  if (!snap) {
    ctx.step.error("tool-output-unparseable",
                   fmt::format("`{}`: {}", command_text(argv), snap.error().message));
    out.failed = true;
    return out;
  }
  if (snap->smart_available == false) {
    ctx.step.info(fmt::format("{}: SMART is not available on this device: only badblocks is judged",
                              disk.path));
    out.no_smart = true;
    return out;
  }
  if (exit.raw != 0)
    ctx.step.info(fmt::format("smartctl {} ({}): {}", disk.path, when, tools::describe(exit)));
  out.snapshot = std::move(*snap);
  return out;
}

void judge_smart(StageContext& ctx, const tools::SmartSnapshot& before,
                 const tools::SmartSnapshot& after, const catalog::ComponentIdentity& part) {
  const std::string component = catalog::label(part);
  if (after.health_passed == false) {
    ctx.step.fail("KILN-DISK-SMART-HEALTH",
                  {{"before", before.health_passed == true ? " (it passed before the stage)" : ""}},
                  part);
  }
  auto delta = tools::diff(before, after);
  for (const auto& change : delta.changes) {
    const WatchedCounter* watched = nullptr;
    for (const auto& w : kWatched) {
      if (change.counter.starts_with(w.counter_prefix)) watched = &w;
    }
    std::uint64_t grown = change.after > change.before ? change.after - change.before : 0;
    if (watched == nullptr) {
      if (change.worse) {
        ctx.step.log(ocptv::LogSeverity::kWarning,
                     fmt::format("{}: SMART {} went from {} to {}", component, change.counter,
                                 change.before, change.after));
      }
      continue;
    }
    std::vector<Limit> limits;
    if (auto l = configured_limit(ctx.config, watched->limit)) limits.push_back(*l);
    auto m =
        measure(std::string(watched->measurement), static_cast<double>(grown), "", part, limits);
    ctx.step.measurement(m);
    if (!m.passed()) {
      ctx.step.fail("KILN-DISK-SMART-COUNTER-GREW",
                    {{"counter", change.counter},
                     {"before", std::to_string(change.before)},
                     {"after", std::to_string(change.after)},
                     {"allowed", format_value(limits.front().threshold)}},
                    part);
    } else if (grown > 0 && limits.empty()) {
      ctx.step.log(
          ocptv::LogSeverity::kWarning,
          fmt::format("{}: SMART {} grew from {} to {} (no limit {} configured)", component,
                      change.counter, change.before, change.after, watched->limit));
    }
  }
  if (!after.nvme) return;
  const auto& n = *after.nvme;
  if (n.critical_warning.value_or(0) != 0) {
    ctx.step.fail("KILN-DISK-NVME-CRITICAL-WARNING",
                  {{"warning", fmt::format("0x{:x}", *n.critical_warning)}}, part);
  }
  if (n.available_spare && n.available_spare_threshold &&
      *n.available_spare < *n.available_spare_threshold) {
    ctx.step.fail("KILN-DISK-NVME-SPARE-LOW",
                  {{"spare", std::to_string(*n.available_spare)},
                   {"threshold", std::to_string(*n.available_spare_threshold)}},
                  part);
  }
  if (n.percentage_used) {
    std::vector<Limit> limits;
    if (auto l = configured_limit(ctx.config, "disk.nvme_percentage_used_max"))
      limits.push_back(*l);
    auto m =
        measure("nvme_percentage_used", static_cast<double>(*n.percentage_used), "%", part, limits);
    ctx.step.measurement(m);
    if (!m.passed()) {
      ctx.step.fail("KILN-DISK-NVME-WORN",
                    {{"used", std::to_string(*n.percentage_used)},
                     {"allowed", format_value(limits.front().threshold)}},
                    part);
    }
  }
}

void run_self_test(StageContext& ctx, const DiskTarget& disk, tools::SmartSelfTest test,
                   std::chrono::milliseconds timeout, std::chrono::milliseconds poll,
                   const catalog::ComponentIdentity& part) {
  const std::string component = catalog::label(part);
  const char* kind = test == tools::SmartSelfTest::kShort ? "short" : "long";
  auto argv = tools::smartctl_self_test_argv(disk.path, test);
  auto started = run_tool(ctx, argv, kSmartTimeout, fmt::format("smartctl-{}-selftest", disk.name));
  // Bits 0-2: the test was not started; higher bits describe the disk, judged elsewhere.
  if (!started || started->timed_out || started->signalled || (started->exit_code & 0x7) != 0) {
    report_tool_failure(ctx, argv, started, "smart-self-test-not-started",
                        "check that the disk supports self-tests");
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && !stop_requested(ctx)) {
    std::this_thread::sleep_for(poll);
    auto read = read_smart(ctx, disk, "selftest-poll");
    if (!read.snapshot) return;  // read_smart reported why
    const auto& st = read.snapshot->self_test;
    if (st.remaining_percent) continue;
    if (st.last_passed == false) {
      ctx.step.fail("KILN-DISK-SELF-TEST-FAILED", {{"kind", kind}, {"result", st.last_result}},
                    part);
    } else {
      ctx.step.info(fmt::format("{}: SMART {} self-test: {}", component, kind,
                                st.last_result.empty() ? st.current_status : st.last_result));
    }
    return;
  }
  ctx.step.error("smart-self-test-timeout",
                 fmt::format("{}: SMART {} self-test did not finish within {} s", component, kind,
                             timeout.count() / 1000));
}

}  // namespace kiln::runner
