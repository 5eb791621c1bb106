// ipmitool fru print: the server's identity (Product Asset Tag keys the delivery config).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "kiln/fru.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::tools {

inline constexpr std::string_view kFruParseError = "KILN-PARSE-IPMITOOL-FRU";

// In-band: ipmitool fru print 0. LAN: ipmitool -I lanplus ... -C 3 fru print 0.
std::vector<std::string> ipmitool_fru_argv(const std::optional<IpmiLanTarget>& lan = std::nullopt);

// Parses `ipmitool fru print [id]` / `fru list` output. Blocks start with
// "FRU Device Description : <name>"; output without any header line (OpenBMC
// `fru list 0`) becomes one device with an empty description. Values are
// trimmed and may be empty or contain ':'. A repeated key keeps its first value
// under the plain key and later ones as "Key (2)", "Key (3)". "Device not
// present (...)" marks the device present=false. The summary fields come from
// the first present device that has the key (even when its value is empty, so
// a blank system serial is never replaced by a PSU's serial).
// Errors: empty output, or neither a device header nor a Chassis/Board/Product
// field (e.g. only "Error: Unable to establish IPMI v2 / RMCP+ session").
Expected<FruInfo> parse_ipmitool_fru(std::string_view text);

}  // namespace kiln::tools
