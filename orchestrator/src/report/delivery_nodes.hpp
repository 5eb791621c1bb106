// A delivery's nodes as the report builders read them: each node with its
// latest burn-in run, the latest burn-in run that has a report (parsed), and
// its latest decommission run. Loaded once from the store per request.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/run_store.hpp"

namespace kiln::orchestrator {

struct DeliveryNode {
  NodeRecord node;
  std::optional<RunRow> latest;        // latest burn-in run
  std::optional<RunRow> reported;      // latest burn-in run with a report
  nlohmann::json report;               // reported's report.json (null without one)
  std::optional<RunRow> decommission;  // latest decommission run
};

// The nodes registered with asset tag `tag`, ordered by serial then UUID;
// empty when none. `firmware_only`: each report keeps only its "firmware" and
// the runs no report text (what a summary's firmware view reads: a 10,000-node
// delivery's parsed reports would otherwise be held whole, about 10x their text).
std::vector<DeliveryNode> delivery_nodes(const std::string& tag,
                                         const std::vector<NodeRecord>& nodes,
                                         const std::vector<RunRow>& runs,
                                         bool firmware_only = false);

// "node-3 (S-3)" or the UUID alone.
std::string node_name(const NodeRecord& node);

}  // namespace kiln::orchestrator
