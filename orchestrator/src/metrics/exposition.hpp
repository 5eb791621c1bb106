// GET /metrics: the Prometheus text exposition format (version 0.0.4) of the
// process's counters (metrics.hpp) and of what the store holds at the scrape:
// runs by kind, state and verdict, each delivery's nodes by the verdict of
// their latest burn-in. docs/dashboard.md lists every family.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/route_table.hpp"
#include "metrics/metrics.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

std::string render_metrics(const Metrics& m, const std::vector<NodeRecord>& nodes,
                           const std::vector<RunRow>& runs, std::string_view store_backend);

// A label value with \, " and newline escaped.
std::string escape_label(std::string_view value);

// GET /metrics (Access::self_checked: open, or `metrics_token` as a bearer token).
ApiResponse get_metrics(ApiCall& call);

}  // namespace kiln::orchestrator
