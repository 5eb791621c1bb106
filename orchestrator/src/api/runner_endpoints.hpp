// The runner side of the API: register, heartbeat, report, directive (the
// artifact stream is in artifact_batches.hpp). Each run authenticates with its
// own token.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

// POST /v1/runs/register (Access::self_checked: the token names the run)
ApiResponse register_run(ApiCall& call);
// POST /v1/runs/{run}/heartbeat
ApiResponse post_heartbeat(ApiCall& call);
// POST /v1/runs/{run}/report
ApiResponse post_report(ApiCall& call);
// GET /v1/runs/{run}/directive
ApiResponse get_directive(ApiCall& call);

// A heartbeat or artifact batch from a runner the run no longer streams from
// (`boot_id` or `runner_instance` in `body` not the run's: a later runner
// registered on it, docs/reboots.md): 409 boot_superseded / runner_superseded.
std::optional<ApiResponse> refuse_superseded(const RunRow& run, const nlohmann::json& body);

// What the runner is told to do next: continue or abort, and whether its
// destructive stages (and a decommission's wipe) may run.
nlohmann::json directive_json(const RunRow& run);

}  // namespace kiln::orchestrator
