// The operator side of the API (the operator token): start and abort runs,
// and read runs and a delivery's summary (the node lists: node_lists.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

ApiResponse start_burnins(ApiCall& call);         // POST /v1/burnins
ApiResponse start_decommissions(ApiCall& call);   // POST /v1/decommissions
ApiResponse abort_run(ApiCall& call);             // POST /v1/runs/{run}/abort
ApiResponse get_runs(ApiCall& call);              // GET /v1/runs
ApiResponse get_run(ApiCall& call);               // GET /v1/runs/{run}
ApiResponse get_run_report(ApiCall& call);        // GET /v1/runs/{run}/report
ApiResponse get_run_artifacts(ApiCall& call);     // GET /v1/runs/{run}/artifacts
ApiResponse get_delivery_summary(ApiCall& call);  // GET /v1/deliveries/{delivery}/summary

// A run as operators see it (state, verdict, Ironic state, failures, stages).
nlohmann::json run_json(const ApiContext& ctx, const RunRow& run);

}  // namespace kiln::orchestrator
