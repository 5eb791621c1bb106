#include "tools/sg3_utils.hpp"

#include "tools/text_scan.hpp"

namespace kiln::tools {

Expected<ScsiSanitizeSupport> parse_sg_opcodes(std::string_view text) {
  ScsiSanitizeSupport s;
  bool table = false;
  for (auto line : scan::lines(text)) {
    auto toks = scan::tokens(line);
    if (toks.empty()) continue;
    if (toks[0].starts_with("----")) {
      table = true;
      continue;
    }
    if (!table) continue;
    std::string lower = scan::to_lower(line);
    if (scan::iequals(toks[0], "04") && lower.find("format unit") != std::string::npos) {
      s.format_unit = true;
    }
    if (!scan::iequals(toks[0], "48") || lower.find("sanitize") == std::string::npos) continue;
    if (lower.find("cryptographic erase") != std::string::npos)
      s.crypto_erase = true;
    else if (lower.find("block erase") != std::string::npos)
      s.block_erase = true;
    else if (lower.find("overwrite") != std::string::npos)
      s.overwrite = true;
  }
  if (!table) {
    std::string first;
    for (auto line : scan::lines(text)) {
      if (!scan::is_blank(line)) {
        first = std::string(scan::trim(line));
        break;
      }
    }
    return make_error(std::string(kSgParseError),
                      first.empty() ? "sg_opcodes: empty output"
                                    : "sg_opcodes: no operation code table: " + first,
                      "the device does not report its SCSI commands (not SCSI/SAS, or an old "
                      "drive)");
  }
  return s;
}

std::vector<std::string> sg_opcodes_argv(const std::string& device) {
  return {"sg_opcodes", device};
}

std::vector<std::string> sg_sanitize_argv(const std::string& device, ScsiSanitizeAction action) {
  return {"sg_sanitize", action == ScsiSanitizeAction::kCryptoErase ? "--crypto" : "--block",
          "--quick", device};
}

std::vector<std::string> sg_format_argv(const std::string& device) {
  return {"sg_format", "--format", "--quick", device};
}

}  // namespace kiln::tools
