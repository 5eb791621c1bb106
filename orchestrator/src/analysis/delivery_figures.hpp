// Which figures of a node's report.json take part in the batch analysis of its
// delivery, in which direction a figure is bad and how it is grouped across
// the delivery's nodes: all read from the catalog (common/src/catalog/
// measurements_data.cpp), never from patterns on names. A disk or NIC figure
// is grouped by the part's role (disks of one model, NICs of one speed class),
// so every node's disks form one batch whatever their serials. Counts,
// inventory and error counters are not figures: they are judged exactly
// against the tender. A measurement the catalog does not know is listed as
// not analysed.
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
  std::string key;          // "benchmark.score", "disk-perf.rand_read_iops[disk model KILN-SATA]"
  std::string label;        // "benchmark score", "fio rand_read IOPS of disk S3Z9 (/dev/sda)"
  std::string batch_label;  // the batch it joins: "fio rand_read IOPS, disk model KILN-SATA"
  std::string stage;
  std::string name;
  std::string component;
  std::string unit;
  Better better = Better::kHigher;
  std::string hint;  // what a technician checks when the node lags its batch
  double value = 0;  // the worst part of a role; else the mean of repeats
  std::optional<TenderLimit> tender;
};

struct ReportFigures {
  std::vector<NodeFigure> figures;
  std::vector<std::string> not_analysed;  // "stage.measurement" the catalog does not know
};

// The analysed figures of one report (not-a-report JSON gives none).
ReportFigures analyse_report(const nlohmann::json& report);
std::vector<NodeFigure> figures_of_report(const nlohmann::json& report);

}  // namespace kiln::orchestrator
