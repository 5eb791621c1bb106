// disk-wipe: every --disk in parallel, the strongest erase the device
// supports (chosen and recorded per disk, fallbacks included), an overwrite
// pass where nothing stronger exists or the policy asks, then a read-back of
// the whole device or a sample spread over it (first and last MiB always).
// Runs only when the run is a confirmed decommission (decommission_gate).
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "disks/disk_identity.hpp"
#include "disks/disk_safety.hpp"
#include "stage/decommission_gate.hpp"
#include "stage/tool_command.hpp"
#include "stages/builtin_stages.hpp"
#include "stages/disk_wipe/wipe_firmware.hpp"
#include "stages/disk_wipe/wipe_io.hpp"
#include "stages/disk_wipe/wipe_method.hpp"
#include "stages/disk_wipe/wipe_record.hpp"

namespace kiln::runner {
namespace {

// The disk as sysfs names it, with what the wipe probes read (nvme id-ctrl,
// hdparm -I know the drive behind a controller).
catalog::ComponentIdentity wipe_part(HostAdapter& host, const WipeFacts& facts) {
  catalog::ComponentIdentity part = disk_identity(host, facts.disk);
  if (!facts.serial.empty()) part.serial = facts.serial;
  if (!facts.model.empty() && facts.transport != DiskTransport::kVirtual) part.model = facts.model;
  if (!facts.firmware.empty()) part.firmware = facts.firmware;
  return part;
}

class DiskWipeStage final : public Stage {
 public:
  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("disk-wipe");
    return kInfo;
  }

  std::vector<catalog::ComponentIdentity> components(HostAdapter& host,
                                                     const StageParams& /*params*/,
                                                     const RunOptions& options) override {
    return disk_identities(host, options.disks);
  }

  void run(StageContext& ctx) override {
    if (std::string refusal = wipe_refusal(ctx.options); !refusal.empty()) {
      for (const auto& d : ctx.options.disks) {
        ctx.step.append_evidence("disks",
                                 {{"device", d}, {"result", "refused"}, {"reason", refusal}});
      }
      ctx.step.error("wipe-refused", "disk-wipe: nothing was written: " + refusal);
      return;
    }
    if (ctx.options.disks.empty()) {
      ctx.step.error("wipe-no-disks",
                     "disk-wipe: no target disks: pass --disk /dev/X for each disk to wipe (the "
                     "image's init passes every disk it finds)");
      return;
    }
    auto policy = read_wipe_policy(ctx);
    if (!policy) {
      ctx.step.error("bad-parameter", policy.error().message);
      return;
    }
    std::vector<std::atomic<double>> progress(ctx.options.disks.size());
    for (auto& p : progress) p.store(0.0);
    {
      PeriodicTask reporter(
          std::chrono::seconds(2),
          [&] {
            double sum = 0;
            for (auto& p : progress) sum += p.load();
            ctx.step.progress(sum / static_cast<double>(progress.size()), "wiping");
          },
          ctx.step, "the wipe's progress reporter");
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < ctx.options.disks.size(); ++i) {
        threads.emplace_back([&, i] {
          try {
            wipe_disk(ctx, *policy, ctx.options.disks[i], progress[i]);
          } catch (const std::exception& e) {
            ctx.step.error("stage-exception",
                           fmt::format("{}: internal error: {}", ctx.options.disks[i], e.what()));
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    ctx.step.progress(1.0, "disks wiped");
  }

 private:
  static void wipe_disk(StageContext& ctx, const WipePolicy& policy, const std::string& path,
                        std::atomic<double>& progress) {
    DiskWipeRecord rec;
    rec.device = path;
    rec.started = std::chrono::system_clock::now();
    auto finish = [&](std::string result) {
      rec.result = std::move(result);
      rec.ended = std::chrono::system_clock::now();
      progress.store(1.0);
      ctx.step.append_evidence("disks", to_json(rec));
    };
    auto disk = resolve_disk(ctx.host, path);
    if (!disk) {
      ctx.step.error("disk-not-found", disk.error().message);
      rec.failure = disk.error().message;
      finish("error");
      return;
    }
    // Decommission may wipe signatures (that is its purpose), never a disk in use.
    auto safety = check_destructive(
        ctx.host, *disk, {true, true, policy.allow_signatures, "disk-wipe (erases the disk)"});
    if (!safety.allowed) {
      ctx.step.error("wipe-refused", safety.reason);
      rec.failure = safety.reason;
      finish("refused");
      return;
    }
    if (!safety.reason.empty()) ctx.step.info(safety.reason);

    WipeFacts facts = probe_wipe_facts(ctx, *disk);
    rec.facts_from(facts);
    facts.part = wipe_part(ctx.host, facts);
    const catalog::ComponentIdentity& part = facts.part;
    std::string component = catalog::label(part);
    for (const auto& f : facts.probe_failures)
      ctx.step.info(fmt::format("{}: probe: {}", component, f));
    for (const auto& n : facts.hidden_area_notes) {
      ctx.step.log(ocptv::LogSeverity::kWarning, fmt::format("{}: {}", component, n));
    }
    WipeChoice choice = choose_wipe_method(facts, policy.settings);
    rec.choice_from(choice);
    ctx.step.info(
        fmt::format("{}: method {} ({}){}", component, method_name(choice.method), choice.reason,
                    choice.fallbacks.empty() ? "" : "; fallbacks: " + join(choice.fallbacks)));
    if (choice.blocked) {
      ctx.step.error(
          choice.blocked->code == "KILN-WIPE-ATA-FROZEN" ? "wipe-ata-frozen" : "wipe-ata-security",
          fmt::format("{}. Next step: {}", choice.blocked->message, choice.blocked->remedy));
      rec.failure = choice.blocked->message;
      finish("error");
      return;
    }
    if (policy.remove_hidden_areas && !facts.hidden_area_notes.empty()) {
      auto hidden = remove_hidden_areas(ctx, facts);
      rec.hidden_area_actions = hidden.actions;
      if (!hidden.ok) {
        ctx.step.fail("KILN-WIPE-HIDDEN-AREA-KEPT", {{"actions", join(hidden.actions)}}, part);
      }
    }
    auto opened = ctx.host.open_block_device(disk->path, true);
    if (!opened) {
      ctx.step.error("wipe-open-failed",
                     fmt::format("{}: {}. Next step: {}", component, opened.error().message,
                                 opened.error().remedy));
      rec.failure = opened.error().message;
      finish("error");
      return;
    }
    BlockDevice& dev = **opened;
    rec.size_bytes = dev.size_bytes();
    auto chunks = verification_chunks(rec.size_bytes, policy.verify_full, policy.verify_percent,
                                      kMiB, std::random_device{}());
    std::optional<std::vector<std::uint64_t>> before;
    auto report = [&](double from, double to) {
      return [&, from, to](double f) {
        progress.store(from + (to - from) * f);
        return !stop_requested(ctx);
      };
    };
    if (is_firmware_method(choice.method)) {
      if (!choice.overwrite_after) {  // to prove the firmware erase changed what was there
        auto hashes = hash_chunks(dev, chunks);
        if (!hashes) {
          ctx.step.error("wipe-read-failed",
                         fmt::format("{}: {}", component, hashes.error().message));
          rec.failure = hashes.error().message;
          finish("error");
          return;
        }
        before = std::move(*hashes);
      }
      auto fw = run_firmware_erase(ctx, facts, choice.method, policy.firmware,
                                   [&](double f) { progress.store(0.6 * f); });
      rec.commands = fw.commands;
      rec.firmware_read_back = fw.read_back;
      if (!fw.ok) {
        rec.failure = fw.failure;
        finish("error");
        return;
      }
    }
    progress.store(0.6 * static_cast<double>(is_firmware_method(choice.method)));
    if (choice.discard) run_discard(ctx, *disk, component, rec);
    // The passes (the policy's pattern, a random one with a fresh recorded seed, then
    // zeros when final_zero_pass); the read-back proves the last one.
    std::random_device entropy;
    const auto passes =
        overwrite_passes(policy, (std::uint64_t{entropy()} << 32U) | std::uint64_t{entropy()});
    if (choice.overwrite_after) {
      const double from = is_firmware_method(choice.method) ? 0.6 : 0.0;
      const double share = (0.85 - from) / static_cast<double>(passes.size());
      for (std::size_t p = 0; p < passes.size(); ++p) {
        const FillPattern& pattern = passes[p];
        rec.commands.push_back(fmt::format("kiln overwrite {} with {} (O_DIRECT, {} KiB blocks)",
                                           disk->path, pattern.description(),
                                           policy.io_size / 1024));
        auto written = overwrite_device(dev, pattern, policy.io_size,
                                        report(from + share * static_cast<double>(p),
                                               from + share * static_cast<double>(p + 1)));
        if (!written) {
          judge_write_error(ctx, part, written.error(), rec);
          finish(written.error().code == "KILN-WIPE-STOPPED" ? "error" : "failed");
          return;
        }
        nlohmann::json pass{{"pattern", pattern.name},
                            {"bytes", written->bytes_written},
                            {"seconds", written->seconds}};
        if (pattern.random) {
          pass["prng"] = kRandomStreamName;
          pass["seed"] = fmt::format("{:#018x}", pattern.seed);
        }
        rec.overwrite_passes.push_back(std::move(pass));
        rec.overwrite_bytes += written->bytes_written;
        rec.overwrite_seconds += written->seconds;
      }
      ctx.step.measurement(
          measure("wipe_overwrite_throughput",
                  rec.overwrite_seconds > 0
                      ? static_cast<double>(rec.overwrite_bytes) / 1e6 / rec.overwrite_seconds
                      : 0.0,
                  "MB/s", part, {}));
    }
    auto verified = verify_device(dev, chunks, choice.overwrite_after ? &passes.back() : nullptr,
                                  before ? &*before : nullptr, report(0.85, 1.0));
    if (!verified) {
      judge_write_error(ctx, part, verified.error(), rec);
      finish(verified.error().code == "KILN-WIPE-STOPPED" ? "error" : "failed");
      return;
    }
    bool passed =
        judge_verification(ctx, part, choice.overwrite_after ? passes.back().description() : "",
                           policy.verify_full, *verified, rec);
    finish(passed ? "wiped" : "failed");
  }

  static void run_discard(StageContext& ctx, const DiskTarget& disk, const std::string& component,
                          DiskWipeRecord& rec) {
    std::vector<std::string> argv{"blkdiscard", "-f", disk.path};
    rec.commands.push_back(command_text(argv));
    auto result = run_tool(ctx, argv, std::chrono::hours(2), "blkdiscard-" + disk.name);
    if (result && result->exited_with(0)) {
      rec.discard = "done";
      return;
    }
    // Not every device discards: the overwrite that follows does the work.
    rec.discard = result ? "failed: " + result->describe() + ": " + result->stderr_tail(200)
                         : "failed: " + result.error().message;
    ctx.step.info(fmt::format("{}: blkdiscard {}", component, rec.discard));
  }
};

}  // namespace

std::unique_ptr<Stage> make_disk_wipe_stage() {
  return std::make_unique<DiskWipeStage>();
}

}  // namespace kiln::runner
