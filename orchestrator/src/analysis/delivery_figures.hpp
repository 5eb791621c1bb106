// Which figures of a node's report.json take part in the batch analysis of its
// delivery, and in which direction a figure is bad: benchmark score and
// per-workload scores, memory bandwidth and bogo-ops, CPU bogo-ops and mean
// frequency, fio bandwidth/IOPS (higher is better) and p99 latency (lower is
// better) per disk, iperf3 TCP throughput per NIC. Counts, inventory and
// error counters are not here: they are judged exactly against the tender.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/batch_stats.hpp"

namespace kiln::orchestrator {

// A limit from the delivery config that the runner checked this figure against.
struct TenderLimit {
  std::string name;        // "limits.benchmark.min_score"
  std::string comparison;  // "GREATER_THAN_OR_EQUAL"
  double threshold = 0;
};

struct NodeFigure {
  std::string key;        // "benchmark.score", "disk-perf.rand_read_iops[disk /dev/sda]"
  std::string label;      // "benchmark score", "fio rand_read_iops of disk /dev/sda"
  std::string stage;
  std::string name;
  std::string component;
  std::string unit;
  Better better = Better::kHigher;
  std::string hint;       // what a technician checks when the node lags its batch
  double value = 0;       // the mean when a report holds the figure more than once
  std::optional<TenderLimit> tender;
};

// The analysed figures of one report (not-a-report JSON gives none).
std::vector<NodeFigure> figures_of_report(const nlohmann::json& report);

}  // namespace kiln::orchestrator
