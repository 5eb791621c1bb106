// A big delivery's summary: beyond values_max_nodes each figure carries a
// binned distribution (fixed bins, the tender breakers per bin, the outliers
// named) instead of every node's value; up to it, every value as before.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>

#include "analysis/delivery_summary.hpp"

namespace kiln::orchestrator {
namespace {

// What the analysis reads of a kiln-runner report: the benchmark score (tender: at least
// 95) and, when given, one workload's score.
std::string report(double score, std::optional<double> workload) {
  nlohmann::json measurements = nlohmann::json::array();
  measurements.push_back({{"name", "score"},
                          {"value", score},
                          {"unit", "score"},
                          {"component", "CPU"},
                          {"limits",
                           {{{"name", "limits.benchmark.min_score"},
                             {"comparison", "GREATER_THAN_OR_EQUAL"},
                             {"threshold", 95.0},
                             {"passed", score >= 95.0}}}}});
  if (workload)
    measurements.push_back({{"name", "workload_score"},
                            {"value", *workload},
                            {"unit", "score"},
                            {"component", "workload particle_transport"}});
  return nlohmann::json{{"stages", {{{"name", "benchmark"}, {"measurements", measurements}}}}}
      .dump();
}

struct Delivery {
  std::vector<NodeRecord> nodes;
  std::vector<RunRow> runs;
  void add(double score, std::optional<double> workload = std::nullopt) {
    const std::string uuid = fmt::format("node-{:04}", nodes.size());
    nodes.push_back(NodeRecord{uuid, "PO-BIG", "S" + uuid, "", {}, ""});
    RunRow r;
    r.id = "run-" + uuid;
    r.node_uuid = uuid;
    r.state = "reported";
    r.verdict = "PASS";
    r.report = report(score, workload);
    r.has_report = true;
    runs.push_back(std::move(r));
  }
};

const nlohmann::json& figure(const nlohmann::json& summary, const std::string& key) {
  for (const auto& f : summary["figures"])
    if (f["key"] == key) return f;
  throw std::runtime_error("no figure " + key);
}

TEST(SummaryBins, ABigDeliveryCarriesBinsAndItsOutliersNamed) {
  Delivery d;
  for (int i = 0; i < 11; ++i) d.add(100.0 + i * 0.5);  // 100 .. 105
  d.add(80.0);                                          // node-0011: 20 % slow, below the tender
  auto binned = delivery_summary("PO-BIG", d.nodes, d.runs, OutlierSettings{}, {}, 10);
  ASSERT_TRUE(binned);
  EXPECT_EQ((*binned)["figure_values"], "binned");
  EXPECT_EQ((*binned)["values_max_nodes"], 10);
  const auto& score = figure(*binned, "benchmark.score");
  EXPECT_FALSE(score.contains("values"));
  const auto& dist = score["distribution"];
  ASSERT_EQ(dist["bins"], kSummaryBins);
  EXPECT_DOUBLE_EQ(dist["lo"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(dist["hi"].get<double>(), 105.0);
  EXPECT_DOUBLE_EQ(dist["width"].get<double>(), 25.0 / kSummaryBins);
  const auto counts = dist["counts"].get<std::vector<int>>();
  ASSERT_EQ(counts.size(), kSummaryBins);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0), 12);
  EXPECT_EQ(counts.front(), 1);  // 80
  EXPECT_EQ(counts.back(), 1);   // 105, the max, in the last bin
  EXPECT_EQ(std::accumulate(counts.begin() + 1, counts.end() - 1, 0), 10);  // 100 .. 104.5
  const auto below = dist["below_tender"].get<std::vector<int>>();
  EXPECT_EQ(below.front(), 1);
  EXPECT_EQ(std::accumulate(below.begin(), below.end(), 0), 1);
  EXPECT_EQ(score["below_tender"], 1);
  EXPECT_EQ(dist["named"], nlohmann::json::array({{{"node", "node-0011"}, {"value", 80.0}}}));
  // The statistics and outliers are every node's, as without bins.
  EXPECT_DOUBLE_EQ(score["median"].get<double>(), 102.25);
  EXPECT_EQ(score["outliers"], 1);
  ASSERT_EQ((*binned)["outliers"].size(), 1U);
  EXPECT_EQ((*binned)["outliers"][0]["node"], "node-0011");

  // Up to the threshold: every node's value, no bins.
  auto listed = delivery_summary("PO-BIG", d.nodes, d.runs, OutlierSettings{}, {}, 12);
  ASSERT_TRUE(listed);
  EXPECT_EQ((*listed)["figure_values"], "per node");
  const auto& all = figure(*listed, "benchmark.score");
  EXPECT_FALSE(all.contains("distribution"));
  ASSERT_EQ(all["values"].size(), 12U);
  EXPECT_EQ(all["values"][11], (nlohmann::json{{"node", "node-0011"}, {"value", 80.0}}));
  EXPECT_EQ(all["median"], score["median"]);
  EXPECT_EQ((*listed)["outliers"], (*binned)["outliers"]);
}

TEST(SummaryBins, EqualValuesMakeOneBinAndMissingNodesAreCutButCounted) {
  Delivery d;
  for (int i = 0; i < 150; ++i) d.add(100.0, i < 30 ? std::optional<double>(97.0) : std::nullopt);
  auto s = delivery_summary("PO-BIG", d.nodes, d.runs, OutlierSettings{}, {}, 100);
  ASSERT_TRUE(s);
  const auto& score = figure(*s, "benchmark.score");
  EXPECT_EQ(score["distribution"]["bins"], 1);
  EXPECT_EQ(score["distribution"]["width"], 0.0);
  EXPECT_EQ(score["distribution"]["counts"], nlohmann::json::array({150}));
  EXPECT_EQ(score["distribution"]["named"], nlohmann::json::array());
  EXPECT_EQ(score["missing_nodes"], 0);
  const auto& workload = figure(*s, "benchmark.workload_score[workload particle_transport]");
  EXPECT_EQ(workload["nodes"], 30);
  EXPECT_EQ(workload["missing_nodes"], 120);
  ASSERT_EQ(workload["missing"].size(), kSummaryMissingNamed);
  EXPECT_EQ(workload["missing"][0], "node-0030");
  EXPECT_FALSE(workload["distribution"].contains("below_tender"));  // it has no tender
  // Not binned: every missing node named.
  auto listed = delivery_summary("PO-BIG", d.nodes, d.runs, OutlierSettings{}, {}, 150);
  EXPECT_EQ(
      figure(*listed, "benchmark.workload_score[workload particle_transport]")["missing"].size(),
      120U);
}

}  // namespace
}  // namespace kiln::orchestrator
