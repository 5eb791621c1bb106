#include "stages/disk_wipe/wipe_firmware.hpp"

#include <fmt/format.h>

#include <thread>

#include "stage/tool_command.hpp"

namespace kiln::runner {
namespace {

std::string dev_of(const WipeFacts& f) {
  return "/dev/" + f.disk.whole_disk;
}

// Runs one command; false (with a stage error) unless it exited 0.
bool step(StageContext& ctx, FirmwareEraseResult& r, const std::vector<std::string>& argv,
          std::chrono::milliseconds timeout, const std::string& log_name,
          std::string_view next_step, CommandResult* out = nullptr) {
  r.commands.push_back(command_text(argv));
  auto result = run_tool(ctx, argv, timeout, log_name);
  if (!result || !result->exited_with(0)) {
    report_tool_failure(ctx, argv, result, "wipe-command-failed", next_step);
    r.failure = result ? describe_failure(argv, *result) : describe_failure(argv, result.error());
    return false;
  }
  if (out != nullptr) *out = *result;
  return true;
}

void nvme_sanitize(StageContext& ctx, const WipeFacts& f, WipeMethod m,
                   const FirmwareEraseSettings& s, const std::function<void(double)>& progress,
                   FirmwareEraseResult& r) {
  std::string ctrl = tools::nvme_controller_of(dev_of(f));
  auto action = m == WipeMethod::kNvmeSanitizeCrypto ? tools::NvmeSanitizeAction::kCryptoErase
                                                     : tools::NvmeSanitizeAction::kBlockErase;
  if (!step(ctx, r, tools::nvme_sanitize_argv(ctrl, action), std::chrono::minutes(2),
            "nvme-sanitize-" + f.disk.whole_disk, "check `nvme sanitize-log` and the kernel log"))
    return;
  const auto deadline = std::chrono::steady_clock::now() + s.timeout;
  auto log_argv = tools::nvme_sanitize_log_argv(ctrl);
  for (int polls = 0;; ++polls) {
    std::this_thread::sleep_for(polls == 0 ? std::chrono::milliseconds(200) : s.poll);
    auto result =
        run_tool(ctx, log_argv, std::chrono::minutes(1), "nvme-sanitize-log-" + f.disk.whole_disk);
    if (!result || !result->exited_with(0)) {
      report_tool_failure(ctx, log_argv, result, "wipe-command-failed",
                          "read the sanitize log by hand");
      r.failure = "cannot read the sanitize log";
      return;
    }
    auto status = tools::parse_nvme_sanitize_log(result->stdout_text);
    if (!status) {
      ctx.step.error("tool-output-unparseable",
                     fmt::format("`{}`: {}", command_text(log_argv), status.error().message));
      r.failure = status.error().message;
      return;
    }
    r.read_back = fmt::format("sanitize log: sstat={:#x} sprog={}", status->sstat, status->sprog);
    if (status->completed()) {
      r.ok = true;
      return;
    }
    if (status->failed()) {
      ctx.step.log(ocptv::LogSeverity::kWarning,
                   fmt::format("{}: `nvme sanitize {} --sanact=1` exits the failure mode",
                               catalog::label(f.part), ctrl));
      ctx.step.fail("KILN-WIPE-SANITIZE-FAILED", {{"state", r.read_back}}, f.part);
      r.failure = "sanitize failed: " + r.read_back;
      return;
    }
    if (status->in_progress()) progress(status->fraction());
    if (std::chrono::steady_clock::now() > deadline || stop_requested(ctx)) {
      ctx.step.error("wipe-timeout", fmt::format("{}: sanitize did not complete in time ({})",
                                                 f.disk.path, r.read_back));
      r.failure = "sanitize did not complete in time";
      return;
    }
  }
}

void ata_erase(StageContext& ctx, const WipeFacts& f, bool enhanced, const FirmwareEraseSettings& s,
               FirmwareEraseResult& r) {
  std::string dev = dev_of(f);
  std::string log = "hdparm-erase-" + f.disk.whole_disk;
  auto timeout = s.timeout;
  if (f.ata && f.ata->security) {
    auto minutes =
        enhanced ? f.ata->security->enhanced_erase_minutes : f.ata->security->erase_minutes;
    if (minutes)
      timeout =
          std::max<std::chrono::milliseconds>(timeout, std::chrono::minutes(*minutes * 2 + 10));
  }
  ctx.step.info(
      fmt::format("{}: temporary ATA user password '{}' (if the erase is interrupted, unlock with "
                  "hdparm --user-master u --security-disable {} {})",
                  f.disk.path, s.ata_password, s.ata_password, dev));
  if (!step(ctx, r, tools::hdparm_set_password_argv(dev, s.ata_password), std::chrono::minutes(1),
            log, "check `hdparm -I`: the drive must be not frozen and not locked"))
    return;
  if (!step(ctx, r, tools::hdparm_security_erase_argv(dev, s.ata_password, enhanced), timeout, log,
            fmt::format("unlock with hdparm --user-master u --security-disable {} {}",
                        s.ata_password, dev)))
    return;
  CommandResult identify;
  if (!step(ctx, r, tools::hdparm_identify_argv(dev), std::chrono::minutes(1), log, "", &identify))
    return;
  auto id = tools::parse_hdparm_identify(identify.stdout_text);
  if (id && id->security && id->security->enabled) {
    // Some drives keep the password after the erase: clear it.
    ctx.step.log(ocptv::LogSeverity::kWarning,
                 fmt::format("{}: the password survived the erase: disabling it", dev));
    if (!step(ctx, r, tools::hdparm_security_disable_argv(dev, s.ata_password),
              std::chrono::minutes(1), log, ""))
      return;
    if (!step(ctx, r, tools::hdparm_identify_argv(dev), std::chrono::minutes(1), log, "",
              &identify))
      return;
    id = tools::parse_hdparm_identify(identify.stdout_text);
  }
  if (!id || !id->security || id->security->enabled || id->security->locked) {
    ctx.step.error(
        "wipe-ata-password-left",
        fmt::format(
            "{}: after the erase ATA security is still enabled or unreadable; the temporary "
            "password is '{}'",
            dev, s.ata_password));
    r.failure = "ATA password still set after the erase";
    return;
  }
  r.read_back = "ATA security: not enabled, not locked (temporary password cleared)";
  r.ok = true;
}

}  // namespace

FirmwareEraseResult run_firmware_erase(StageContext& ctx, const WipeFacts& facts, WipeMethod method,
                                       const FirmwareEraseSettings& settings,
                                       const std::function<void(double)>& progress) {
  FirmwareEraseResult r;
  std::string dev = dev_of(facts);
  std::string log = "wipe-" + facts.disk.whole_disk;
  switch (method) {
    case WipeMethod::kNvmeSanitizeCrypto:
    case WipeMethod::kNvmeSanitizeBlock:
      nvme_sanitize(ctx, facts, method, settings, progress, r);
      break;
    case WipeMethod::kNvmeFormatCrypto:
    case WipeMethod::kNvmeFormatUserData:
      r.ok = step(ctx, r,
                  tools::nvme_format_argv(dev, method == WipeMethod::kNvmeFormatCrypto ? 2 : 1),
                  settings.timeout, log,
                  "check the kernel log; some drives need `nvme format` per namespace");
      if (r.ok) r.read_back = "nvme format exited 0";
      break;
    case WipeMethod::kAtaEnhancedErase:
    case WipeMethod::kAtaErase:
      ata_erase(ctx, facts, method == WipeMethod::kAtaEnhancedErase, settings, r);
      break;
    case WipeMethod::kScsiSanitizeCrypto:
    case WipeMethod::kScsiSanitizeBlock:
      r.ok = step(ctx, r,
                  tools::sg_sanitize_argv(dev, method == WipeMethod::kScsiSanitizeCrypto
                                                   ? tools::ScsiSanitizeAction::kCryptoErase
                                                   : tools::ScsiSanitizeAction::kBlockErase),
                  settings.timeout, log, "check `sg_requests --progress` and the kernel log");
      if (r.ok) r.read_back = "sg_sanitize completed (exit 0)";
      break;
    case WipeMethod::kScsiFormat:
      r.ok = step(ctx, r, tools::sg_format_argv(dev), settings.timeout, log,
                  "check `sg_requests --progress` and the kernel log");
      if (r.ok) r.read_back = "sg_format completed (exit 0)";
      break;
    case WipeMethod::kOverwrite:
      r.ok = true;
      break;
  }
  return r;
}

HiddenAreaResult remove_hidden_areas(StageContext& ctx, const WipeFacts& f) {
  HiddenAreaResult out;
  std::string dev = dev_of(f);
  std::string log = "hdparm-hidden-" + f.disk.whole_disk;
  FirmwareEraseResult r;
  if (f.hpa && f.hpa->enabled && f.hpa->hidden_sectors() > 0) {
    CommandResult read;
    bool done =
        step(ctx, r, tools::hdparm_remove_hpa_argv(dev, f.hpa->native_max), std::chrono::minutes(1),
             log, "power-cycle the drive (the HPA may need it) and run again") &&
        step(ctx, r, tools::hdparm_max_sectors_argv(dev), std::chrono::minutes(1), log, "", &read);
    auto after = done ? tools::parse_hdparm_max_sectors(read.stdout_text)
                      : Expected<tools::HpaState>(make_error("", r.failure));
    bool removed = after && after->current_max == f.hpa->native_max;
    out.actions.push_back(
        removed ? fmt::format("HPA removed: {} sectors visible (read back)", after->current_max)
                : fmt::format("HPA removal failed: {}",
                              after ? "still hidden" : after.error().message));
    out.ok = out.ok && removed;
  }
  if (f.dco_real_max && f.hpa && *f.dco_real_max > f.hpa->native_max) {
    CommandResult read;
    bool done =
        step(ctx, r, tools::hdparm_dco_restore_argv(dev), std::chrono::minutes(1), log,
             "the drive refused DCO restore: it may be frozen") &&
        step(ctx, r, tools::hdparm_max_sectors_argv(dev), std::chrono::minutes(1), log, "", &read);
    auto after = done ? tools::parse_hdparm_max_sectors(read.stdout_text)
                      : Expected<tools::HpaState>(make_error("", r.failure));
    bool restored = after && after->native_max == *f.dco_real_max;
    out.actions.push_back(
        restored ? fmt::format("DCO restored: native max {} sectors (read back)", after->native_max)
                 : "DCO restore failed or not visible until power-cycle");
    out.ok = out.ok && restored;
  }
  return out;
}

}  // namespace kiln::runner
