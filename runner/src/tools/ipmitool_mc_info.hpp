// `ipmitool mc info` (Get Device ID): the BMC's firmware revision, IPMI
// version, manufacturer and product, and the four auxiliary firmware bytes
// some vendors put the build number in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kMcInfoParseError = "KILN-PARSE-IPMITOOL-MC";

struct BmcDeviceInfo {
  std::string device_id;                  // "32"
  std::string device_revision;            // "1"
  std::string firmware_revision;          // "1.74": major.minor as ipmitool prints it
  std::string ipmi_version;               // "2.0"
  std::string manufacturer_id;            // "10876"
  std::string manufacturer;               // "Super Micro Computer Inc.", "Unknown (0x168B)"
  std::string product_id;                 // "6929 (0x1b11)"
  std::string product;                    // "X11SCH-LN4F", "Unknown (0x5)"
  std::vector<std::string> aux_firmware;  // {"0x19","0x01","0x00","0x00"}; empty when not sent
  // "1.74" or, when the aux bytes are not all zero, "1.74 (aux 0x19 0x01 0x00 0x00)".
  [[nodiscard]] std::string firmware_text() const;
};

// Errors: empty output, or no "Firmware Revision" line.
Expected<BmcDeviceInfo> parse_ipmitool_mc_info(std::string_view text);

// The argv is ipmitool_mc_info_argv (ipmitool_bmc_config.hpp).

}  // namespace kiln::tools
