// sg3-utils: which SANITIZE service actions a SCSI/SAS disk supports
// (`sg_opcodes DEV`, opcode 0x48) and the argv of sg_sanitize / sg_format.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kSgParseError = "KILN-PARSE-SG3";

struct ScsiSanitizeSupport {
  bool overwrite = false;     // service action 1
  bool block_erase = false;   // 2
  bool crypto_erase = false;  // 3
  bool format_unit = false;   // opcode 0x04 listed
  [[nodiscard]] bool any_sanitize() const { return overwrite || block_erase || crypto_erase; }
};

// Parses `sg_opcodes DEV` (REPORT SUPPORTED OPERATION CODES). Errors: the
// device does not support the command (sg_opcodes' error text), or no table.
Expected<ScsiSanitizeSupport> parse_sg_opcodes(std::string_view text);

enum class ScsiSanitizeAction { kBlockErase, kCryptoErase };

std::vector<std::string> sg_opcodes_argv(const std::string& device);
// sg_sanitize waits for completion, polling REQUEST SENSE (progress lines).
std::vector<std::string> sg_sanitize_argv(const std::string& device, ScsiSanitizeAction action);
std::vector<std::string> sg_format_argv(const std::string& device);

}  // namespace kiln::tools
