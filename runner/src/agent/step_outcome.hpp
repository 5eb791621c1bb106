// A finished kiln run as Ironic's command outcome: PASS is SUCCEEDED with a
// summary (verdict, run id, key figures); FAIL is FAILED with the first
// failure in a technician's words (Ironic puts it in last_error and the
// maintenance reason); ERROR is FAILED saying it is a harness error, not the
// hardware. Pure: the report's JSON in, the outcome out.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "agent/command_log.hpp"

namespace kiln::runner::agent {

// `report`: report.json's content; `report_path`: where it lies on the node.
CommandOutput step_outcome(const std::string& step, const nlohmann::json& report,
                           const std::string& report_path, bool aborted);

}  // namespace kiln::runner::agent
