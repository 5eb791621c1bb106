#include "stages/disk_wipe/wipe_record.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

#include "tools/text_scan.hpp"

namespace kiln::runner {
namespace {

constexpr const char* kOverwrite = "overwrite";
constexpr const char* kPattern = "pattern";
constexpr const char* kMethods = "methods";
constexpr const char* kDiscard = "discard";
constexpr const char* kVerify = "verify";
constexpr const char* kVerifyPercent = "verify_percent";
constexpr const char* kRemoveHidden = "remove_hidden_areas";
constexpr const char* kAtaFrozen = "ata_frozen";
constexpr const char* kAtaPassword = "ata_password";
constexpr const char* kFirmwareTimeout = "firmware_timeout";
constexpr const char* kIoSize = "io_size_kib";
constexpr const char* kAllowSignatures = "allow_signatures";
constexpr const char* kFinalZeroPass = "final_zero_pass";
constexpr const char* kRandomSeed = "random_seed";

const std::set<std::string> kFamilies{"nvme-sanitize", "nvme-format", "ata-erase", "scsi-sanitize",
                                      "scsi-format"};

Error bad(std::string message) {
  return make_error("KILN-CONFIG", "disk-wipe: " + std::move(message));
}

}  // namespace

Expected<WipePolicy> read_wipe_policy(const StageContext& ctx) {
  WipePolicy p;
  std::string overwrite = ctx.params.get_string(kOverwrite);
  if (overwrite != "fallback" && overwrite != "always")
    return bad(fmt::format("overwrite '{}' is not fallback or always", overwrite));
  p.settings.overwrite_always = overwrite == "always";
  auto pattern = parse_fill_pattern(ctx.params.get_string(kPattern));
  if (!pattern) return pattern.error();
  p.pattern = *pattern;
  p.final_zero_pass = ctx.params.get_bool(kFinalZeroPass);
  if (p.final_zero_pass && p.pattern.name == "zeros")
    return bad("final_zero_pass: the pattern is already zeros (use random, ones or hex:<bytes>)");
  if (std::string seed = ctx.params.get_string(kRandomSeed); !seed.empty()) {
    if (!p.pattern.random)
      return bad(fmt::format("random_seed '{}' needs pattern: random (pattern is {})", seed,
                             p.pattern.name));
    const bool hex = seed.starts_with("0x") || seed.starts_with("0X");
    const std::string digits = hex ? seed.substr(2) : seed;
    std::uint64_t value = 0;
    auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      return bad(fmt::format("random_seed '{}' is not a 64-bit number (decimal or 0x hex)", seed));
    p.random_seed = value;
  }
  for (const auto& m : ctx.params.get_list(kMethods)) {
    if (!kFamilies.contains(m)) return bad(fmt::format("methods: unknown family '{}'", m));
    p.settings.allowed_families.insert(m);
  }
  p.settings.discard = ctx.params.get_string(kDiscard);
  if (p.settings.discard != "auto" && p.settings.discard != "always" &&
      p.settings.discard != "never")
    return bad(fmt::format("discard '{}' is not auto, always or never", p.settings.discard));
  std::string verify = ctx.params.get_string(kVerify);
  if (verify != "full" && verify != "sample")
    return bad(fmt::format("verify '{}' is not full or sample", verify));
  p.verify_full = verify == "full";
  p.verify_percent = ctx.params.get_double(kVerifyPercent);
  if (!(p.verify_percent > 0 && p.verify_percent <= 100))
    return bad(fmt::format("verify_percent {} is not in (0, 100]", p.verify_percent));
  p.remove_hidden_areas = ctx.params.get_bool(kRemoveHidden);
  std::string frozen = ctx.params.get_string(kAtaFrozen);
  if (frozen != "error" && frozen != "overwrite")
    return bad(fmt::format("ata_frozen '{}' is not error or overwrite", frozen));
  p.settings.frozen_falls_back = frozen == "overwrite";
  p.firmware.ata_password = ctx.params.get_string(kAtaPassword);
  if (p.firmware.ata_password.empty() || p.firmware.ata_password.size() > 32)
    return bad("ata_password must be 1 to 32 characters");
  p.firmware.timeout = ctx.params.get_duration(kFirmwareTimeout);
  long long kib = ctx.params.get_int(kIoSize);
  if (kib < 4 || kib > 65536 || kib % 4 != 0)
    return bad(fmt::format("io_size_kib {} is not a multiple of 4 in [4, 65536]", kib));
  p.io_size = static_cast<std::size_t>(kib) * 1024;
  p.allow_signatures = ctx.params.get_bool(kAllowSignatures);
  return p;
}

std::vector<FillPattern> overwrite_passes(const WipePolicy& policy, std::uint64_t seed) {
  std::vector<FillPattern> passes{policy.pattern};
  if (passes.front().random) passes.front().seed = policy.random_seed.value_or(seed);
  if (policy.final_zero_pass) passes.push_back(FillPattern{"zeros", {std::byte{0}}});
  return passes;
}

void DiskWipeRecord::facts_from(const WipeFacts& f) {
  name = f.disk.name;
  transport = std::string(to_string(f.transport));
  model = f.model;
  serial = f.serial;
  firmware = f.firmware;
  size_bytes = f.size_bytes;
  probe_failures = f.probe_failures;
  hidden_areas = f.hidden_area_notes;
}

void DiskWipeRecord::choice_from(const WipeChoice& c) {
  method = std::string(method_name(c.method));
  if (c.overwrite_after && is_firmware_method(c.method)) method += "+overwrite";
  method_reason = c.reason;
  fallbacks = c.fallbacks;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

std::string iso8601(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", ms);
}

nlohmann::json to_json(const DiskWipeRecord& r) {
  return {{"device", r.device},
          {"name", r.name},
          {"transport", r.transport},
          {"model", r.model},
          {"serial", r.serial},
          {"firmware", r.firmware},
          {"size_bytes", r.size_bytes},
          {"method", r.method},
          {"method_reason", r.method_reason},
          {"fallbacks", r.fallbacks},
          {"probe_failures", r.probe_failures},
          {"hidden_areas", r.hidden_areas},
          {"hidden_area_actions", r.hidden_area_actions},
          {"commands", r.commands},
          {"firmware_read_back", r.firmware_read_back},
          {"discard", r.discard},
          {"overwrite_bytes", r.overwrite_bytes},
          {"overwrite_seconds", r.overwrite_seconds},
          {"overwrite_passes", r.overwrite_passes},
          {"verification", r.verification},
          {"result", r.result},
          {"failure", r.failure},
          {"started", iso8601(r.started)},
          {"ended", iso8601(r.ended)}};
}

void judge_write_error(StageContext& ctx, const catalog::ComponentIdentity& part,
                       const Error& error, DiskWipeRecord& rec) {
  rec.failure = error.message;
  if (error.code == "KILN-WIPE-STOPPED") {
    ctx.step.error("wipe-stopped", fmt::format("{}: {}", catalog::label(part), error.message));
    return;
  }
  ctx.step.fail("KILN-WIPE-IO-ERROR", {{"error", error.message}}, part);
}

bool judge_verification(StageContext& ctx, const catalog::ComponentIdentity& part,
                        const std::string& pattern, bool full, const VerifyOutcome& o,
                        DiskWipeRecord& rec) {
  const std::string component = catalog::label(part);
  std::uint64_t bad_count = pattern.empty() ? o.unchanged_chunks : o.mismatched_bytes;
  rec.verification = {{"mode", full ? "full" : "sample"},
                      {"expected", pattern.empty() ? "blank-or-changed" : pattern},
                      {"bytes_verified", o.bytes_verified},
                      {"chunks_verified", o.chunks_verified},
                      {"mismatches", bad_count},
                      {"result", bad_count == 0 ? "PASS" : "FAIL"},
                      {"seconds", o.seconds}};
  if (o.first_mismatch) rec.verification["first_mismatch_offset"] = *o.first_mismatch;
  Limit none{"wipe read-back mismatches (none tolerated)", Comparison::kLessThanOrEqual, 0.0, {}};
  auto m =
      measure(pattern.empty() ? "wipe_verify_unchanged_chunks" : "wipe_verify_mismatched_bytes",
              static_cast<double>(bad_count), pattern.empty() ? "chunks" : "bytes", part, {none});
  m.key_figure = true;
  ctx.step.measurement(m);
  ctx.step.measurement(
      measure("wipe_verified_bytes", static_cast<double>(o.bytes_verified), "bytes", part, {}));
  if (bad_count == 0) {
    Diagnosis wiped{"disk-wiped", DiagnosisType::kPass,
                    fmt::format("{}: wiped; {} read-back of {} bytes matches {}", component,
                                full ? "full" : "sample", o.bytes_verified,
                                pattern.empty() ? "blank-or-changed" : pattern),
                    component};
    wiped.hardware = part;
    ctx.step.diagnosis(std::move(wiped));
    return true;
  }
  std::string what =
      pattern.empty()
          ? fmt::format(
                "{} chunk(s) still hold their pre-wipe content, the first at byte offset {}",
                bad_count, o.first_mismatch.value_or(0))
          : fmt::format(
                "{} byte(s) differ from the {} pattern, the first at byte offset {} (found "
                "{:#04x}, expected {:#04x})",
                bad_count, pattern, o.first_mismatch.value_or(0), o.found, o.expected);
  rec.failure = what;
  ctx.step.fail("KILN-WIPE-VERIFY-MISMATCH", {{"what", what}}, part);
  return false;
}

}  // namespace kiln::runner
