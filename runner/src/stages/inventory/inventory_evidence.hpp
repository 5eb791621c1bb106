// The inventory as evidence for the decommission certificate: every serial
// that leaves the building (DIMMs, disks, NICs' MACs).
#pragma once

#include <nlohmann/json.hpp>

#include "stages/inventory/inventory_probe.hpp"

namespace kiln::runner {

nlohmann::json inventory_evidence(const HostInventory& inv);

}  // namespace kiln::runner
