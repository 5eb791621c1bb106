// Where kiln-runner reads the FRU from: in-band (/dev/ipmi0), a BMC over LAN,
// or a saved `ipmitool fru print` output (tests, offline planning).
#pragma once

#include <optional>
#include <string>

#include "host/host_adapter.hpp"
#include "kiln/fru.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::runner {

struct FruSource {
  std::optional<std::string> file;             // --fru-file
  std::optional<tools::IpmiLanTarget> lan;     // --bmc HOST[:PORT]
};

// "HOST:PORT" or "HOST" (port 623).
Expected<tools::IpmiLanTarget> parse_bmc_address(const std::string& text, const std::string& user,
                                                 const std::string& password);

// Reads and parses the FRU; a failing ipmitool is an error naming argv,
// exit and stderr.
Expected<FruInfo> read_fru(HostAdapter& host, const FruSource& source);

}  // namespace kiln::runner
