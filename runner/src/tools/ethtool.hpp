// `ethtool -i IFACE`: a NIC's driver, driver version, firmware version and
// PCI address, as the driver reports them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kEthtoolParseError = "KILN-PARSE-ETHTOOL";

struct NicDriverInfo {
  std::string driver;         // "ixgbe", "virtio_net"
  std::string version;        // driver version ("5.3.7"; in-tree drivers print the kernel's)
  std::string firmware;       // "0x800003df, 255.65535.255"; "" when the driver has none
  std::string expansion_rom;  // "" mostly
  std::string bus_info;       // "0000:01:00.0"
};

// Errors: empty output, or no "driver:" line (ethtool prints "Cannot get
// driver information: Operation not supported" on stderr for lo and others).
Expected<NicDriverInfo> parse_ethtool_driver_info(std::string_view text);

std::vector<std::string> ethtool_driver_info_argv(const std::string& iface);

}  // namespace kiln::tools
