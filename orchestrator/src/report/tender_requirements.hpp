// Each tender requirement a delivery's nodes were judged against, across the
// batch: the limit, the batch's min / median / max, how many nodes were
// checked and how many met it. Numeric limits come from each report's
// limits_checked ("limits.fio.seq_read_min_mbps", "expected.cpu_threads");
// firmware rules from its firmware.requirements ("firmware.bios"), ordered
// as versions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/delivery_nodes.hpp"

namespace kiln::orchestrator {

// One node's standing against one requirement.
struct NodeStanding {
  const NodeRecord* node = nullptr;
  bool met = true;
  std::string value;  // the worst value of its checked components, as text
};

struct TenderRequirement {
  std::string name;   // "limits.benchmark.min_score", "firmware.bios"
  std::string label;  // "benchmark score", "BIOS version"
  std::string limit;  // ">= 5", "= 2.17.1"
  std::string unit;
  bool numeric = true;
  std::string min, median, max;  // over every checked value; "" when none
  std::vector<NodeStanding> nodes;
  [[nodiscard]] int checked() const { return static_cast<int>(nodes.size()); }
  [[nodiscard]] int meeting() const;
  [[nodiscard]] std::string verdict() const { return meeting() == checked() ? "PASS" : "FAIL"; }
};

std::vector<TenderRequirement> tender_requirements(const std::vector<DeliveryNode>& nodes);

// "GREATER_THAN_OR_EQUAL" -> ">=".
std::string comparison_symbol(const std::string& comparison);
// 412.3 -> "412.3", 5 -> "5", 0.0123 -> "0.0123".
std::string number_text(double v);

}  // namespace kiln::orchestrator
