// A delivery's summary: counts by verdict and state, every analysed figure
// with the tender's minimum beside the batch's min/median/max, and the nodes
// that lag their batch (outliers, see batch_stats.hpp). Pure: built from the
// stored nodes, runs and reports; served as GET /v1/deliveries/{tag}/summary.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/api_service.hpp"
#include "config/orchestrator_config.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

struct Outlier {
  std::string node;
  std::string serial;
  std::string figure;  // key
  std::string label;
  std::string unit;
  double value = 0;
  double median = 0;
  double deviation_percent = 0;
  double robust_z = 0;
  std::string message;  // "node 7f3c1a2b… (S1): benchmark score 412.0 is 9.8 % below ..."
};

// nullopt when no node registered with this asset tag.
std::optional<nlohmann::json> delivery_summary(const std::string& tag,
                                               const std::vector<NodeRecord>& nodes,
                                               const std::vector<RunRow>& runs,
                                               const OutlierSettings& rule);

// The outliers among a summary's for one node (the Ironic driver flags them).
std::vector<Outlier> outliers_of_node(const nlohmann::json& summary, const std::string& node);

// The outliers of `node` in its delivery's batch as stored now.
Expected<std::vector<Outlier>> node_outliers(RunStore& store, const std::string& node_uuid,
                                             const OutlierSettings& rule);

ApiResponse delivery_summary_response(RunStore& store, const OrchestratorConfig& config,
                                      const std::string& tag);

}  // namespace kiln::orchestrator
