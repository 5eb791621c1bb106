// Which BMC the run's ipmitool commands talk to: the local one in-band, or
// the remote one `--bmc HOST[:PORT]` names, over LAN.
#pragma once

#include <optional>

#include "kiln/expected.hpp"
#include "stage/stage.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::runner {

// nullopt for in-band (no --bmc); the LAN target of --bmc with its user and
// password; an Error naming a malformed --bmc address.
Expected<std::optional<tools::IpmiLanTarget>> bmc_lan_target(const RunOptions& options);

}  // namespace kiln::runner
