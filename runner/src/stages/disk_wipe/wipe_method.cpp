#include "stages/disk_wipe/wipe_method.hpp"

#include <fmt/format.h>

#include "stage/tool_command.hpp"
#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(60);

// Runs a probe; its parsed result, or a note of why not in facts.probe_failures.
template <class Parser>
auto probe(StageContext& ctx, WipeFacts& facts, const std::vector<std::string>& argv,
           const std::string& log_name, Parser parse) -> decltype(parse(std::string_view{})) {
  auto result = run_tool(ctx, argv, kProbeTimeout, log_name);
  if (!result) {
    facts.probe_failures.push_back(describe_failure(argv, result.error()));
    return result.error();
  }
  auto parsed = parse(result->stdout_text + result->stderr_text);
  if (!parsed) {
    // describe_failure already names the command: "`nvme id-ctrl ...` exit 1: ..."
    facts.probe_failures.push_back(
        result->exited_with(0)
            ? fmt::format("`{}`: {}", command_text(argv), parsed.error().message)
            : describe_failure(argv, *result));
  }
  return parsed;
}

DiskTransport transport_of(HostAdapter& host, const DiskTarget& disk) {
  if (disk.whole_disk.starts_with("nvme")) return DiskTransport::kNvme;
  if (disk.virtual_device) return DiskTransport::kVirtual;
  std::string sys = "/sys/class/block/" + disk.whole_disk + "/device";
  std::string vendor = read_trimmed(host, sys + "/vendor");
  if (vendor == "ATA") return DiskTransport::kAta;
  if (!vendor.empty()) return DiskTransport::kScsi;
  return DiskTransport::kUnknown;
}

void probe_hidden_areas(StageContext& ctx, WipeFacts& facts, const std::string& dev) {
  auto hpa = probe(ctx, facts, tools::hdparm_max_sectors_argv(dev), "hdparm-N-" + facts.disk.name,
                   tools::parse_hdparm_max_sectors);
  if (hpa) {
    facts.hpa = *hpa;
    if (hpa->enabled && hpa->hidden_sectors() > 0) {
      facts.hidden_area_notes.push_back(fmt::format("HPA: {} of {} sectors visible, {} hidden",
                                                    hpa->current_max, hpa->native_max,
                                                    hpa->hidden_sectors()));
    }
  }
  if (facts.ata && facts.ata->dco_feature) {
    auto dco = probe(ctx, facts, tools::hdparm_dco_identify_argv(dev),
                     "hdparm-dco-" + facts.disk.name, tools::parse_hdparm_dco_real_max);
    if (dco) {
      facts.dco_real_max = *dco;
      if (facts.hpa && *dco > facts.hpa->native_max) {
        facts.hidden_area_notes.push_back(fmt::format(
            "DCO: the drive has {} sectors, {} are hidden by a Device Configuration Overlay", *dco,
            *dco - facts.hpa->native_max));
      }
    }
  }
}

bool allowed(const WipeSettings& s, WipeMethod m) {
  return s.allowed_families.empty() || s.allowed_families.contains(std::string(method_family(m)));
}

std::string hex(std::uint32_t v) {
  return fmt::format("{:#x}", v);
}

// The strongest firmware method for the transport, or nullopt (with
// fallbacks explaining why none).
std::optional<WipeMethod> firmware_choice(const WipeFacts& f, const WipeSettings& s,
                                          WipeChoice& c) {
  auto take = [&](WipeMethod m, std::string why) -> bool {
    if (!allowed(s, m)) {
      c.fallbacks.push_back(fmt::format("{}: disabled by the policy's methods", method_name(m)));
      return false;
    }
    c.reason = std::move(why);
    return true;
  };
  switch (f.transport) {
    case DiskTransport::kNvme: {
      if (!f.nvme) {
        c.fallbacks.push_back("NVMe controller capabilities unknown (nvme id-ctrl failed)");
        return std::nullopt;
      }
      const auto& n = *f.nvme;
      if (n.sanitize_crypto() &&
          take(WipeMethod::kNvmeSanitizeCrypto,
               fmt::format("sanicap={} (crypto erase supported)", hex(n.sanicap))))
        return WipeMethod::kNvmeSanitizeCrypto;
      if (n.sanitize_block() &&
          take(WipeMethod::kNvmeSanitizeBlock,
               fmt::format("sanicap={} (block erase supported, no crypto erase)", hex(n.sanicap))))
        return WipeMethod::kNvmeSanitizeBlock;
      if (!n.sanitize_crypto() && !n.sanitize_block())
        c.fallbacks.push_back(
            fmt::format("nvme sanitize not supported (sanicap={})", hex(n.sanicap)));
      if (!n.format_supported()) {
        c.fallbacks.push_back(fmt::format("nvme format not supported (oacs={})", hex(n.oacs)));
        return std::nullopt;
      }
      if (n.format_crypto() &&
          take(WipeMethod::kNvmeFormatCrypto,
               fmt::format("fna={}: nvme format --ses=2 (crypto erase)", hex(n.fna))))
        return WipeMethod::kNvmeFormatCrypto;
      if (!n.format_crypto())
        c.fallbacks.push_back(
            fmt::format("nvme format --ses=2 not supported (fna={})", hex(n.fna)));
      if (take(WipeMethod::kNvmeFormatUserData, "nvme format --ses=1 (user data erase)"))
        return WipeMethod::kNvmeFormatUserData;
      return std::nullopt;
    }
    case DiskTransport::kAta: {
      if (!f.ata) {
        c.fallbacks.push_back("ATA identity unknown (hdparm -I failed)");
        return std::nullopt;
      }
      if (!f.ata->security || !f.ata->security->supported) {
        c.fallbacks.push_back(
            "ATA security erase not supported (hdparm -I: no Security feature set)");
        return std::nullopt;
      }
      const auto& sec = *f.ata->security;
      if (sec.frozen || sec.locked || sec.expired || sec.enabled) {
        std::string state = sec.frozen    ? "frozen"
                            : sec.locked  ? "locked"
                            : sec.expired ? "expired"
                                          : "enabled";
        std::string remedy =
            sec.frozen
                ? "suspend and resume the machine (echo mem > /sys/power/state) or hot-unplug and "
                  "re-plug the drive's data/power cable, then run again; or set ata_frozen: "
                  "overwrite to fall back to an overwrite pass"
            : sec.locked || sec.enabled
                ? "a user password is set: unlock/disable it (hdparm --security-disable) and run "
                  "again"
                : "the drive counted too many wrong passwords: power-cycle it and run again";
        c.fallbacks.push_back(fmt::format("ATA security erase impossible: security is {}", state));
        if (!(sec.frozen && s.frozen_falls_back)) {
          c.blocked = make_error(
              sec.frozen ? "KILN-WIPE-ATA-FROZEN" : "KILN-WIPE-ATA-SECURITY-STATE",
              fmt::format("{}: ATA security is {}: the drive refuses SECURITY ERASE UNIT",
                          f.disk.path, state),
              remedy);
        }
        return std::nullopt;
      }
      if (sec.enhanced_erase &&
          take(WipeMethod::kAtaEnhancedErase,
               "ATA security supported, not frozen, enhanced erase supported"))
        return WipeMethod::kAtaEnhancedErase;
      if (!sec.enhanced_erase) c.fallbacks.push_back("ATA enhanced security erase not supported");
      if (take(WipeMethod::kAtaErase, "ATA security supported, not frozen"))
        return WipeMethod::kAtaErase;
      return std::nullopt;
    }
    case DiskTransport::kScsi: {
      if (!f.scsi) {
        c.fallbacks.push_back("SCSI command support unknown (sg_opcodes failed)");
        return std::nullopt;
      }
      if (f.scsi->crypto_erase &&
          take(WipeMethod::kScsiSanitizeCrypto, "SANITIZE cryptographic erase supported"))
        return WipeMethod::kScsiSanitizeCrypto;
      if (f.scsi->block_erase &&
          take(WipeMethod::kScsiSanitizeBlock, "SANITIZE block erase supported"))
        return WipeMethod::kScsiSanitizeBlock;
      if (!f.scsi->any_sanitize())
        c.fallbacks.push_back("SCSI SANITIZE not supported (sg_opcodes)");
      if (f.scsi->format_unit &&
          take(WipeMethod::kScsiFormat, "FORMAT UNIT supported (no SANITIZE)"))
        return WipeMethod::kScsiFormat;
      return std::nullopt;
    }
    case DiskTransport::kVirtual:
      c.fallbacks.push_back(
          fmt::format("{} is a virtual device: no firmware erase", f.disk.whole_disk));
      return std::nullopt;
    case DiskTransport::kUnknown:
      c.fallbacks.push_back(fmt::format(
          "{}: transport unknown (not NVMe, ATA or SCSI): no firmware erase", f.disk.whole_disk));
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view method_name(WipeMethod m) {
  switch (m) {
    case WipeMethod::kNvmeSanitizeCrypto:
      return "nvme-sanitize-crypto";
    case WipeMethod::kNvmeSanitizeBlock:
      return "nvme-sanitize-block";
    case WipeMethod::kNvmeFormatCrypto:
      return "nvme-format-crypto";
    case WipeMethod::kNvmeFormatUserData:
      return "nvme-format-user-data";
    case WipeMethod::kAtaEnhancedErase:
      return "ata-enhanced-security-erase";
    case WipeMethod::kAtaErase:
      return "ata-security-erase";
    case WipeMethod::kScsiSanitizeCrypto:
      return "scsi-sanitize-crypto";
    case WipeMethod::kScsiSanitizeBlock:
      return "scsi-sanitize-block";
    case WipeMethod::kScsiFormat:
      return "scsi-format-unit";
    case WipeMethod::kOverwrite:
      return "overwrite";
  }
  return "unknown";
}

std::string_view method_family(WipeMethod m) {
  switch (m) {
    case WipeMethod::kNvmeSanitizeCrypto:
    case WipeMethod::kNvmeSanitizeBlock:
      return "nvme-sanitize";
    case WipeMethod::kNvmeFormatCrypto:
    case WipeMethod::kNvmeFormatUserData:
      return "nvme-format";
    case WipeMethod::kAtaEnhancedErase:
    case WipeMethod::kAtaErase:
      return "ata-erase";
    case WipeMethod::kScsiSanitizeCrypto:
    case WipeMethod::kScsiSanitizeBlock:
      return "scsi-sanitize";
    case WipeMethod::kScsiFormat:
      return "scsi-format";
    case WipeMethod::kOverwrite:
      return "overwrite";
  }
  return "unknown";
}

bool is_firmware_method(WipeMethod m) {
  return m != WipeMethod::kOverwrite;
}

std::string_view to_string(DiskTransport t) {
  switch (t) {
    case DiskTransport::kNvme:
      return "nvme";
    case DiskTransport::kAta:
      return "ata";
    case DiskTransport::kScsi:
      return "scsi";
    case DiskTransport::kVirtual:
      return "virtual";
    case DiskTransport::kUnknown:
      return "unknown";
  }
  return "unknown";
}

WipeChoice choose_wipe_method(const WipeFacts& facts, const WipeSettings& settings) {
  WipeChoice c;
  std::optional<WipeMethod> firmware;
  if (facts.disk.partition) {
    c.fallbacks.push_back(fmt::format("{} is a partition: a firmware erase would erase all of {}",
                                      facts.disk.path, facts.disk.whole_disk));
  } else {
    firmware = firmware_choice(facts, settings, c);
  }
  if (firmware) {
    c.method = *firmware;
    c.overwrite_after = settings.overwrite_always;
  } else {
    c.method = WipeMethod::kOverwrite;
    c.overwrite_after = true;
    c.reason = c.fallbacks.empty() ? "overwrite pass" : c.fallbacks.back() + ": overwrite pass";
  }
  if (settings.overwrite_always && firmware)
    c.reason += "; then an overwrite pass (policy overwrite: always)";
  bool solid_state = facts.disk.rotational == false || (facts.ata && facts.ata->solid_state) ||
                     facts.transport == DiskTransport::kNvme;
  c.discard = c.overwrite_after &&
              (settings.discard == "always" || (settings.discard == "auto" && solid_state));
  return c;
}

WipeFacts probe_wipe_facts(StageContext& ctx, const DiskTarget& disk) {
  WipeFacts f;
  f.disk = disk;
  f.transport = transport_of(ctx.host, disk);
  std::string sys = "/sys/class/block/" + disk.whole_disk;
  f.model = read_trimmed(ctx.host, sys + "/device/model");
  if (f.model.empty() && f.transport == DiskTransport::kVirtual) {
    std::string backing = read_trimmed(ctx.host, sys + "/loop/backing_file");
    f.model = backing.empty() ? "virtual device" : "loop device backed by " + backing;
  }
  f.serial = disk.sysfs_serial;
  if (auto sectors =
          tools::scan::to_u64(read_trimmed(ctx.host, "/sys/class/block/" + disk.name + "/size")))
    f.size_bytes = *sectors * 512;
  std::string dev = "/dev/" + disk.whole_disk;
  switch (f.transport) {
    case DiskTransport::kNvme: {
      auto ctrl = probe(ctx, f, tools::nvme_id_ctrl_argv(tools::nvme_controller_of(dev)),
                        "nvme-id-ctrl-" + disk.whole_disk, tools::parse_nvme_id_ctrl);
      if (ctrl) {
        f.nvme = *ctrl;
        if (!ctrl->model.empty()) f.model = ctrl->model;
        if (!ctrl->serial.empty()) f.serial = ctrl->serial;
        f.firmware = ctrl->firmware;
      }
      break;
    }
    case DiskTransport::kAta:
    case DiskTransport::kUnknown: {
      auto ata = probe(ctx, f, tools::hdparm_identify_argv(dev), "hdparm-I-" + disk.whole_disk,
                       tools::parse_hdparm_identify);
      if (ata) {
        f.transport = DiskTransport::kAta;
        f.ata = *ata;
        if (!ata->model.empty()) f.model = ata->model;
        if (!ata->serial.empty()) f.serial = ata->serial;
        f.firmware = ata->firmware;
        probe_hidden_areas(ctx, f, dev);
        break;
      }
      if (f.transport == DiskTransport::kAta) break;
      [[fallthrough]];
    }
    case DiskTransport::kScsi: {
      auto scsi = probe(ctx, f, tools::sg_opcodes_argv(dev), "sg-opcodes-" + disk.whole_disk,
                        tools::parse_sg_opcodes);
      if (scsi) {
        f.transport = DiskTransport::kScsi;
        f.scsi = *scsi;
      }
      break;
    }
    case DiskTransport::kVirtual:
      break;
  }
  return f;
}

}  // namespace kiln::runner
