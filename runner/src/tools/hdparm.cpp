#include "tools/hdparm.hpp"

#include <fmt/format.h>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

Error parse_error(std::string message, std::string remedy = {}) {
  return make_error(std::string(kHdparmParseError), std::move(message), std::move(remedy));
}

// "Model Number:       X   " -> "X".
std::optional<std::string> field(std::string_view line, std::string_view key) {
  auto t = scan::trim(line);
  if (!t.starts_with(key)) return std::nullopt;
  return std::string(scan::trim(t.substr(key.size())));
}

// "278min" or ">508min" -> minutes.
std::optional<int> minutes_of(std::string_view token) {
  if (!token.empty() && token.front() == '>') token.remove_prefix(1);
  auto n = scan::leading_u64(token);
  if (!n || *n > 100000) return std::nullopt;
  return static_cast<int>(*n);
}

// hdparm's first stderr-ish line when the ioctl failed, for messages.
std::string failure_hint(std::string_view text) {
  for (auto line : scan::lines(text)) {
    if (scan::icontains(line, "failed") || scan::icontains(line, "inappropriate ioctl") ||
        scan::icontains(line, "bad/missing sense")) {
      return std::string(scan::trim(line));
    }
  }
  return {};
}

void parse_security_line(std::string_view line, AtaSecurity& s) {
  auto toks = scan::tokens(line);
  if (toks.empty()) return;
  bool negated = toks[0] == "not";
  std::size_t i = negated ? 1 : 0;
  if (i >= toks.size()) return;
  std::string_view word = toks[i];
  if (word == "supported:" && line.find("enhanced erase") != std::string_view::npos) {
    s.enhanced_erase = !negated;
  } else if (word == "supported") {
    s.supported = !negated;
  } else if (word == "enabled") {
    s.enabled = !negated;
  } else if (word == "locked") {
    s.locked = !negated;
  } else if (word == "frozen") {
    s.frozen = !negated;
  } else if (word == "expired:") {
    s.expired = !negated;
  } else if (line.find("SECURITY ERASE UNIT") != std::string_view::npos) {
    // "2min for SECURITY ERASE UNIT. 8min for ENHANCED SECURITY ERASE UNIT."
    for (std::size_t k = 0; k + 1 < toks.size(); ++k) {
      if (toks[k + 1] != "for") continue;
      bool enhanced = k + 2 < toks.size() && toks[k + 2] == "ENHANCED";
      auto m = minutes_of(toks[k]);
      (enhanced ? s.enhanced_erase_minutes : s.erase_minutes) = m;
    }
  }
}

}  // namespace

Expected<AtaIdentity> parse_hdparm_identify(std::string_view text) {
  AtaIdentity id;
  bool ata_header = false;
  bool in_security = false;
  for (auto raw : scan::lines(text)) {
    bool indented = !raw.empty() && (raw.front() == '\t' || raw.front() == ' ');
    auto line = scan::trim(raw);
    if (line.starts_with("ATA device")) ata_header = true;
    if (!indented && !line.empty()) in_security = line.starts_with("Security:");
    if (in_security && indented) {
      AtaSecurity& s = id.security ? *id.security : id.security.emplace();
      parse_security_line(line, s);
      continue;
    }
    if (in_security && !id.security) id.security.emplace();
    if (auto v = field(line, "Model Number:"))
      id.model = *v;
    else if (auto v2 = field(line, "Serial Number:"))
      id.serial = *v2;
    else if (auto v3 = field(line, "Firmware Revision:"))
      id.firmware = *v3;
    else if (auto v4 = field(line, "LBA48  user addressable sectors:"))
      id.lba48_sectors = scan::to_u64(*v4);
    else if (line.starts_with("Nominal Media Rotation Rate:")) {
      id.solid_state = scan::icontains(line, "Solid State");
    } else if (line.ends_with("Host Protected Area feature set")) {
      id.hpa_feature = true;
    } else if (line.ends_with("Device Configuration Overlay feature set")) {
      id.dco_feature = true;
    } else if (line.ends_with("SANITIZE feature set")) {
      id.sanitize_feature = true;
    }
  }
  if (!ata_header && id.model.empty()) {
    std::string hint = failure_hint(text);
    return parse_error(
        hint.empty() ? "hdparm -I: no ATA identify data in the output (not an ATA device)"
                     : "hdparm -I: " + hint,
        "the device does not answer ATA IDENTIFY: it is NVMe, SCSI/SAS, virtual or behind a RAID "
        "controller");
  }
  if (id.model.empty() && id.serial.empty()) {
    return parse_error("hdparm -I: the output is truncated (no Model/Serial Number)");
  }
  return id;
}

Expected<HpaState> parse_hdparm_max_sectors(std::string_view text) {
  for (auto line : scan::lines(text)) {
    auto t = scan::trim(line);
    if (!t.starts_with("max sectors")) continue;
    auto eq = t.find('=');
    if (eq == std::string_view::npos) break;
    auto rest = scan::trim(t.substr(eq + 1));
    auto comma = rest.find(',');
    auto numbers = scan::split(rest.substr(0, comma), '/');
    if (numbers.size() != 2) break;
    auto current = scan::to_u64(numbers[0]);
    auto native = scan::to_u64(numbers[1]);
    if (!current || !native) break;
    HpaState s{*current, *native, false};
    s.enabled =
        comma != std::string_view::npos && scan::icontains(rest.substr(comma), "HPA is enabled");
    return s;
  }
  std::string hint = failure_hint(text);
  return parse_error(hint.empty() ? "hdparm -N: no \"max sectors = A/B\" line in the output"
                                  : "hdparm -N: " + hint);
}

Expected<std::uint64_t> parse_hdparm_dco_real_max(std::string_view text) {
  for (auto line : scan::lines(text)) {
    auto t = scan::trim(line);
    if (!t.starts_with("Real max sectors:")) continue;
    if (auto n = scan::to_u64(t.substr(std::string_view("Real max sectors:").size()))) return *n;
    break;
  }
  std::string hint = failure_hint(text);
  return parse_error(hint.empty() ? "hdparm --dco-identify: no \"Real max sectors\" line"
                                  : "hdparm --dco-identify: " + hint);
}

std::vector<std::string> hdparm_identify_argv(const std::string& device) {
  return {"hdparm", "-I", device};
}
std::vector<std::string> hdparm_max_sectors_argv(const std::string& device) {
  return {"hdparm", "-N", device};
}
std::vector<std::string> hdparm_dco_identify_argv(const std::string& device) {
  return {"hdparm", "--dco-identify", device};
}
std::vector<std::string> hdparm_remove_hpa_argv(const std::string& device,
                                                std::uint64_t native_max) {
  return {"hdparm", "--yes-i-know-what-i-am-doing", "-N", fmt::format("p{}", native_max), device};
}
std::vector<std::string> hdparm_dco_restore_argv(const std::string& device) {
  return {"hdparm", "--yes-i-know-what-i-am-doing", "--dco-restore", device};
}
std::vector<std::string> hdparm_set_password_argv(const std::string& device,
                                                  const std::string& password) {
  return {"hdparm", "--user-master", "u", "--security-set-pass", password, device};
}
std::vector<std::string> hdparm_security_erase_argv(const std::string& device,
                                                    const std::string& password, bool enhanced) {
  return {"hdparm", "--user-master",
          "u",      enhanced ? "--security-erase-enhanced" : "--security-erase",
          password, device};
}
std::vector<std::string> hdparm_security_disable_argv(const std::string& device,
                                                      const std::string& password) {
  return {"hdparm", "--user-master", "u", "--security-disable", password, device};
}

}  // namespace kiln::tools
