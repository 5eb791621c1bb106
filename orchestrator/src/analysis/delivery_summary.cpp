#include "analysis/delivery_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/delivery_figures.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

std::string number(double v) {
  return std::fabs(v) >= 100 ? fmt::format("{:.1f}", v) : fmt::format("{:.4g}", v);
}

std::string short_node(const std::string& uuid) {
  return uuid.size() > 8 ? uuid.substr(0, 8) + "…" : uuid;
}

bool breaks_tender(double value, const TenderLimit& t) {
  if (t.comparison == "GREATER_THAN_OR_EQUAL") return value < t.threshold;
  if (t.comparison == "GREATER_THAN") return value <= t.threshold;
  if (t.comparison == "LESS_THAN_OR_EQUAL") return value > t.threshold;
  if (t.comparison == "LESS_THAN") return value >= t.threshold;
  return false;
}

struct Member {
  const NodeRecord* node = nullptr;
  const RunRow* latest = nullptr;        // latest burn-in run
  const RunRow* reported = nullptr;      // latest burn-in run with a report
  const RunRow* decommission = nullptr;  // latest decommission run
};

struct Group {
  NodeFigure meta;
  std::vector<std::pair<const Member*, double>> values;
  std::vector<std::string> labels;  // each value's own, naming its node's part
};

nlohmann::json outlier_json(const Outlier& o) {
  return {{"node", o.node},         {"serial", o.serial},
          {"figure", o.figure},     {"label", o.label},
          {"unit", o.unit},         {"value", o.value},
          {"median", o.median},     {"deviation_percent", o.deviation_percent},
          {"robust_z", o.robust_z}, {"message", o.message}};
}

// A figure's values as kSummaryBins equal bins from their min to their max
// (one bin when they are all equal), with the nodes in each that break the
// tender, and the outlier nodes named (filled in by the caller).
nlohmann::json binned(const std::vector<double>& values, const BatchStats& stats,
                      const std::optional<TenderLimit>& tender) {
  const double lo = stats.min;
  const double hi = stats.max;
  const std::size_t bins = hi > lo ? kSummaryBins : 1;
  const double width = hi > lo ? (hi - lo) / static_cast<double>(bins) : 0;
  std::vector<int> counts(bins, 0);
  std::vector<int> below(bins, 0);
  for (double v : values) {
    std::size_t i = width > 0 ? static_cast<std::size_t>((v - lo) / width) : 0;
    i = std::min(i, bins - 1);  // the max itself falls in the last bin
    ++counts[i];
    if (tender && breaks_tender(v, *tender)) ++below[i];
  }
  nlohmann::json d{{"bins", bins}, {"lo", lo}, {"hi", hi}, {"width", width}, {"counts", counts}};
  if (tender) d["below_tender"] = below;
  d["named"] = nlohmann::json::array();
  return d;
}

}  // namespace

void DecommissionCounts::add(const RunRow& latest_decommission, bool certified_run) {
  ++nodes;
  if (latest_decommission.verdict == "PASS") {
    ++wiped;
  } else if (latest_decommission.verdict == "FAIL" || latest_decommission.verdict == "ERROR") {
    ++failed;
  } else {
    ++running;
  }
  if (certified_run) ++certified;
}

nlohmann::json DecommissionCounts::to_json() const {
  return {{"nodes", nodes},
          {"wiped", wiped},
          {"certified", certified},
          {"failed", failed},
          {"running", running}};
}

Expected<std::set<std::string>> certified_run_ids(RunStore& store,
                                                  const std::set<std::string>& node_uuids,
                                                  const std::vector<RunRow>& runs) {
  std::set<std::string> certified;
  for (const auto& r : runs) {
    if (r.kind != "decommission" || !node_uuids.contains(r.node_uuid)) continue;
    auto found = store.find_certificate(r.id);
    if (!found) return found.error();
    if (*found) certified.insert(r.id);
  }
  return certified;
}

std::optional<nlohmann::json> delivery_summary(const std::string& tag,
                                               const std::vector<NodeRecord>& nodes,
                                               const std::vector<RunRow>& runs,
                                               const OutlierSettings& rule,
                                               const std::set<std::string>& certified_runs,
                                               std::size_t values_max_nodes) {
  std::map<std::string, Member> members;  // by node UUID
  for (const auto& n : nodes) {
    if (n.asset_tag == tag) members[n.uuid].node = &n;
  }
  if (members.empty()) return std::nullopt;
  for (const auto& r : runs) {  // ordered by creation: the last one wins
    auto it = members.find(r.node_uuid);
    if (it == members.end()) continue;
    if (r.kind == "decommission") {  // counted apart, never a burn-in figure
      it->second.decommission = &r;
      continue;
    }
    it->second.latest = &r;
    if (!r.report.empty() && !r.verdict.empty()) it->second.reported = &r;
  }

  std::map<std::string, int> verdicts{{"PASS", 0}, {"FAIL", 0}, {"ERROR", 0}, {"none", 0}};
  std::map<std::string, int> states;
  std::map<std::string, Group> groups;
  std::map<std::string, int> not_analysed;  // measurement the catalog lacks -> reports with it
  std::vector<const Member*> with_report;
  DecommissionCounts decommissions;
  for (const auto& [uuid, m] : members) {
    if (m.decommission != nullptr)
      decommissions.add(*m.decommission, certified_runs.contains(m.decommission->id));
    const std::string verdict =
        m.latest != nullptr && !m.latest->verdict.empty() ? m.latest->verdict : "none";
    ++verdicts[verdict];
    ++states[m.latest != nullptr ? m.latest->state : "no run"];  // no burn-in run
    if (m.reported == nullptr) continue;
    with_report.push_back(&m);
    auto report = nlohmann::json::parse(m.reported->report, nullptr, false);  // stored by us
    auto analysed = analyse_report(report);
    for (auto& f : analysed.figures) {
      auto& g = groups[f.key];
      if (g.values.empty()) g.meta = f;
      if (!g.meta.tender && f.tender) g.meta.tender = f.tender;
      g.values.emplace_back(&m, f.value);
      g.labels.push_back(f.label);
    }
    for (const auto& what : analysed.not_analysed) ++not_analysed[what];
  }

  const bool binned_values = members.size() > values_max_nodes;
  nlohmann::json figures = nlohmann::json::array();
  std::vector<Outlier> outliers;
  for (const auto& [key, g] : groups) {
    std::vector<double> values;
    for (const auto& [m, v] : g.values) values.push_back(v);
    const BatchStats stats = describe_batch(values);
    nlohmann::json f{{"key", key},
                     {"label", g.meta.batch_label},
                     {"unit", g.meta.unit},
                     {"better", g.meta.better == Better::kHigher ? "higher" : "lower"},
                     {"nodes", stats.n},
                     {"min", stats.min},
                     {"median", stats.median},
                     {"max", stats.max},
                     {"mad", stats.mad},
                     {"sigma", stats.sigma},
                     {"sigma_basis", stats.sigma_basis},
                     {"tender", nullptr},
                     {"below_tender", 0}};
    if (g.meta.tender) {
      int broken = 0;
      for (double v : values) broken += breaks_tender(v, *g.meta.tender) ? 1 : 0;
      f["tender"] = {{"limit", g.meta.tender->name},
                     {"comparison", g.meta.tender->comparison},
                     {"threshold", g.meta.tender->threshold}};
      f["below_tender"] = broken;
    }
    std::set<const Member*> has;
    for (const auto& [m, v] : g.values) has.insert(m);
    nlohmann::json missing = nlohmann::json::array();
    std::size_t missing_nodes = 0;
    for (const auto* m : with_report) {
      if (has.contains(m)) continue;
      if (!binned_values || missing_nodes < kSummaryMissingNamed) missing.push_back(m->node->uuid);
      ++missing_nodes;
    }
    f["missing"] = missing;
    f["missing_nodes"] = missing_nodes;
    if (binned_values) {  // the dashboard's strip plot draws the bins
      f["distribution"] = binned(values, stats, g.meta.tender);
    } else {  // the dashboard's strip plot: a point per node
      nlohmann::json per_node = nlohmann::json::array();
      for (const auto& [m, v] : g.values)
        per_node.push_back({{"node", m->node->uuid}, {"value", v}});
      f["values"] = per_node;
    }
    if (stats.n < static_cast<std::size_t>(rule.min_batch)) {
      f["outlier_verdict"] = fmt::format(
          "none: {} node{} with this figure, fewer than the {} an outlier verdict needs", stats.n,
          stats.n == 1 ? "" : "s", rule.min_batch);
    } else if (stats.sigma == 0) {
      f["outlier_verdict"] = "none: every node has the same value";
    } else {
      f["outlier_verdict"] = "judged";
    }
    int flagged = 0;
    for (std::size_t i = 0; i < g.values.size(); ++i) {
      const auto& [m, v] = g.values[i];
      auto j = judge_in_batch(v, stats, g.meta.better, rule);
      if (!j.outlier) continue;
      ++flagged;
      if (binned_values)
        f["distribution"]["named"].push_back({{"node", m->node->uuid}, {"value", v}});
      Outlier o;
      o.node = m->node->uuid;
      o.serial = m->node->serial;
      o.figure = key;
      o.label = g.labels[i];
      o.unit = g.meta.unit;
      o.value = v;
      o.median = stats.median;
      o.deviation_percent = j.deviation_percent;
      o.robust_z = j.robust_z;
      const std::string unit = o.unit.empty() || o.unit == "score" ? "" : " " + o.unit;
      o.message = fmt::format(
          "node {}{}: {} {}{} is {:.1f} % {} the batch median {}{} (robust z {:+.1f}): {}",
          short_node(o.node), o.serial.empty() ? "" : fmt::format(" ({})", o.serial), o.label,
          number(v), unit, std::fabs(j.deviation_percent), v < stats.median ? "below" : "above",
          number(stats.median), unit, j.robust_z, g.meta.hint);
      outliers.push_back(std::move(o));
    }
    f["outliers"] = flagged;
    figures.push_back(std::move(f));
  }
  // Worst first; equal to 0.1 (one cause moving several figures): in figure order.
  std::stable_sort(outliers.begin(), outliers.end(), [](const Outlier& a, const Outlier& b) {
    return std::round(std::fabs(a.robust_z) * 10) > std::round(std::fabs(b.robust_z) * 10);
  });
  nlohmann::json outlier_list = nlohmann::json::array();
  std::map<std::string, int> outlier_nodes;
  for (const auto& o : outliers) {
    outlier_list.push_back(outlier_json(o));
    ++outlier_nodes[o.node];
  }
  return nlohmann::json{{"tag", tag},
                        {"run_kind", "burnin"},  // reported, verdicts, states, figures, outliers
                        {"nodes", members.size()},
                        {"figure_values", binned_values ? "binned" : "per node"},
                        {"values_max_nodes", values_max_nodes},
                        {"reported", with_report.size()},
                        {"verdicts", verdicts},
                        {"states", states},
                        {"outlier_nodes", outlier_nodes.size()},
                        {"method",
                         {{"statistic",
                           "median and MAD (sigma = 1.4826 x MAD; 1.2533 x mean absolute deviation "
                           "when MAD is 0)"},
                          {"k", rule.k},
                          {"min_batch", rule.min_batch},
                          {"min_deviation_percent", rule.min_deviation_percent},
                          {"action", rule.fail ? "fail" : "flag"}}},
                        {"figures", figures},
                        {"outliers", outlier_list},
                        {"not_analysed", not_analysed},
                        {"decommission", decommissions.to_json()}};
}

std::vector<Outlier> outliers_of_node(const nlohmann::json& summary, const std::string& node) {
  std::vector<Outlier> out;
  const auto* list = json_path(summary, {"outliers"});
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& o : *list) {
    if (json_string(o, "node") != node) continue;
    Outlier x;
    x.node = node;
    x.serial = json_string(o, "serial").value_or("");
    x.figure = json_string(o, "figure").value_or("");
    x.label = json_string(o, "label").value_or("");
    x.unit = json_string(o, "unit").value_or("");
    x.value = json_number(o, "value").value_or(0);
    x.median = json_number(o, "median").value_or(0);
    x.deviation_percent = json_number(o, "deviation_percent").value_or(0);
    x.robust_z = json_number(o, "robust_z").value_or(0);
    x.message = json_string(o, "message").value_or("");
    out.push_back(std::move(x));
  }
  return out;
}

Expected<std::vector<Outlier>> node_outliers(RunStore& store, const std::string& node_uuid,
                                             const OutlierSettings& rule) {
  auto node = store.find_node(node_uuid);
  if (!node) return node.error();
  if (!*node || (*node)->asset_tag.empty()) return std::vector<Outlier>{};
  auto nodes = store.list_delivery_nodes((*node)->asset_tag);
  if (!nodes) return nodes.error();
  auto runs = store.list_runs(delivery_runs_query((*node)->asset_tag));
  if (!runs) return runs.error();
  auto summary = delivery_summary((*node)->asset_tag, *nodes, *runs, rule);
  if (!summary) return std::vector<Outlier>{};
  return outliers_of_node(*summary, node_uuid);
}

Expected<std::optional<nlohmann::json>> summarize_delivery(RunStore& store,
                                                           const OutlierSettings& rule,
                                                           const std::string& tag,
                                                           const std::vector<NodeRecord>& nodes,
                                                           const std::vector<RunRow>& runs,
                                                           std::size_t values_max_nodes) {
  std::set<std::string> in_delivery;
  for (const auto& n : nodes) {
    if (n.asset_tag == tag) in_delivery.insert(n.uuid);
  }
  if (in_delivery.empty()) return std::optional<nlohmann::json>();
  auto certified = certified_run_ids(store, in_delivery, runs);
  if (!certified) return certified.error();
  return delivery_summary(tag, nodes, runs, rule, *certified, values_max_nodes);
}

Expected<std::optional<nlohmann::json>> load_delivery_summary(RunStore& store,
                                                              const OutlierSettings& rule,
                                                              const std::string& tag,
                                                              std::size_t values_max_nodes) {
  auto nodes = store.list_delivery_nodes(tag);
  if (!nodes) return nodes.error();
  auto runs = store.list_runs(delivery_runs_query(tag));
  if (!runs) return runs.error();
  return summarize_delivery(store, rule, tag, *nodes, *runs, values_max_nodes);
}

}  // namespace kiln::orchestrator
