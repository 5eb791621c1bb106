// What the burn-in and the decommission state machines share: how a step
// ends, how an Ironic node's provision state is read, and the error that
// says a node is not where kiln expects it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "kiln/expected.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

enum class StepResult { kAdvanced, kWaiting };

std::string provision_state(const nlohmann::json& node);
// No transition under way (target_provision_state is null).
bool settled(const nlohmann::json& node);
// KILN-IRONIC-REJECTED: "node X is 'S' while kiln WHAT: last_error".
Error stuck_node(const std::string& uuid, const nlohmann::json& node, const std::string& what);
// The report's first `failures` line, else "kiln <kind> VERDICT (run X), see the report".
std::string first_failure(const RunRow& run);
// "burn-in" or "decommission", for messages.
std::string kind_label(const RunRow& run);

}  // namespace kiln::orchestrator
