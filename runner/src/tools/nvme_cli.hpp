// nvme-cli: what a controller can erase (`nvme id-ctrl -o json`: sanicap,
// fna, oacs), how a sanitize is going (`nvme sanitize-log -o json`), and the
// argv of the erase commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kNvmeParseError = "KILN-PARSE-NVME";

struct NvmeController {
  std::string model;     // mn, trimmed
  std::string serial;    // sn, trimmed
  std::string firmware;  // fr, trimmed
  std::uint32_t sanicap = 0;
  std::uint32_t fna = 0;
  std::uint32_t oacs = 0;
  // Sanitize Capabilities (NVMe 1.4 5.15.2.2): CES bit 0, BES bit 1, OWS bit 2.
  [[nodiscard]] bool sanitize_crypto() const { return (sanicap & 0x1U) != 0; }
  [[nodiscard]] bool sanitize_block() const { return (sanicap & 0x2U) != 0; }
  [[nodiscard]] bool sanitize_overwrite() const { return (sanicap & 0x4U) != 0; }
  // OACS bit 1: Format NVM supported; FNA bit 2: crypto erase as part of format.
  [[nodiscard]] bool format_supported() const { return (oacs & 0x2U) != 0; }
  [[nodiscard]] bool format_crypto() const { return (fna & 0x4U) != 0; }
};

// Parses `nvme id-ctrl DEV -o json`; warnings printed before the JSON are
// skipped. Errors: no JSON object, truncated JSON, no sanicap/oacs.
Expected<NvmeController> parse_nvme_id_ctrl(std::string_view text);

struct NvmeSanitizeStatus {
  std::uint32_t sprog = 0;  // progress, numerator of sprog/65536
  std::uint32_t sstat = 0;
  // SSTAT bits 2:0: 0 never sanitized, 1 completed, 2 in progress, 3 failed,
  // 4 completed without deallocation.
  [[nodiscard]] int state() const { return static_cast<int>(sstat & 0x7U); }
  [[nodiscard]] bool in_progress() const { return state() == 2; }
  [[nodiscard]] bool completed() const { return state() == 1 || state() == 4; }
  [[nodiscard]] bool failed() const { return state() == 3; }
  [[nodiscard]] double fraction() const { return static_cast<double>(sprog) / 65536.0; }
};

// Parses `nvme sanitize-log DEV -o json` (sprog and sstat at any depth: the
// object is keyed by the device name in nvme-cli 2.x).
Expected<NvmeSanitizeStatus> parse_nvme_sanitize_log(std::string_view text);

enum class NvmeSanitizeAction { kBlockErase = 2, kCryptoErase = 4 };

// The controller of a namespace: "/dev/nvme0n1" -> "/dev/nvme0".
std::string nvme_controller_of(const std::string& namespace_path);

std::vector<std::string> nvme_id_ctrl_argv(const std::string& device);
std::vector<std::string> nvme_sanitize_argv(const std::string& controller,
                                            NvmeSanitizeAction action);
std::vector<std::string> nvme_sanitize_log_argv(const std::string& controller);
// `nvme format NS --ses=N --force`: ses 1 user data erase, 2 crypto erase.
std::vector<std::string> nvme_format_argv(const std::string& namespace_path, int ses);

}  // namespace kiln::tools
