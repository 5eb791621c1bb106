// A delivery's summary: counts by verdict and state, every analysed figure
// with the tender's minimum beside the batch's min/median/max, and the nodes
// that lag their batch (outliers, see batch_stats.hpp). Pure: built from the
// stored nodes, runs and reports; served as GET /v1/deliveries/{tag}/summary.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

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

// A delivery of more nodes than `values_max_nodes` (config key
// summary_values_max_nodes) carries, per figure, a binned "distribution"
// instead of every node's "values": kSummaryBins equal bins from min to max
// with their node counts (and of those breaking the tender), the figure's
// outlier nodes named with their values, and "missing" cut to its first
// kSummaryMissingNamed nodes ("missing_nodes" counts them all).
constexpr std::size_t kSummaryBins = 60;
constexpr std::size_t kSummaryMissingNamed = 100;

// nullopt when no node registered with this asset tag. Burn-in figures,
// verdicts, states and outliers come from burn-in runs only (run kind
// "burnin"); each node's latest decommission run is counted apart under
// "decommission" (wiped, certified, failed, running), `certified_runs` being
// the decommission runs with a stored, signed certificate.
std::optional<nlohmann::json> delivery_summary(
    const std::string& tag, const std::vector<NodeRecord>& nodes, const std::vector<RunRow>& runs,
    const OutlierSettings& rule, const std::set<std::string>& certified_runs = {},
    std::size_t values_max_nodes = kSummaryValuesMaxNodes);

// The decommission counts of a set of nodes' latest decommission runs.
struct DecommissionCounts {
  int nodes = 0;      // with a decommission run
  int wiped = 0;      // verdict PASS: every disk wiped and verified, the BMC reset
  int certified = 0;  // a certificate signed and stored by the orchestrator
  int failed = 0;     // verdict FAIL or ERROR: not (fully) wiped
  int running = 0;    // no verdict yet
  void add(const RunRow& latest_decommission, bool certified_run);
  [[nodiscard]] nlohmann::json to_json() const;
};

// The run ids of `runs` (decommissions of the nodes in `node_uuids`) with a stored certificate.
Expected<std::set<std::string>> certified_run_ids(RunStore& store,
                                                  const std::set<std::string>& node_uuids,
                                                  const std::vector<RunRow>& runs);

// The outliers among a summary's for one node (the Ironic driver flags them).
std::vector<Outlier> outliers_of_node(const nlohmann::json& summary, const std::string& node);

// The outliers of `node` in its delivery's batch as stored now.
Expected<std::vector<Outlier>> node_outliers(RunStore& store, const std::string& node_uuid,
                                             const OutlierSettings& rule);

// The summary of delivery `tag` from its nodes and runs as read from `store`
// (delivery_runs_query), with its decommission certificates; nullopt when no
// node registered with that asset tag.
Expected<std::optional<nlohmann::json>> summarize_delivery(
    RunStore& store, const OutlierSettings& rule, const std::string& tag,
    const std::vector<NodeRecord>& nodes, const std::vector<RunRow>& runs,
    std::size_t values_max_nodes = kSummaryValuesMaxNodes);

// The summary of delivery `tag` as stored now (with its decommission
// certificates); nullopt when no node registered with that asset tag.
Expected<std::optional<nlohmann::json>> load_delivery_summary(
    RunStore& store, const OutlierSettings& rule, const std::string& tag,
    std::size_t values_max_nodes = kSummaryValuesMaxNodes);

}  // namespace kiln::orchestrator
