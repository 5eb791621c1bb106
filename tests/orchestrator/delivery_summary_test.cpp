// Batch (outlier) analysis of a delivery: the robust statistics on realistic
// figures (ties, MAD = 0, tiny batches, the direction of "bad", noise below
// the minimum deviation), figure extraction from report.json, and the summary.
#include "analysis/delivery_summary.hpp"
#include "api/api_service.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kiln/catalog/component.hpp"
#include <unistd.h>

#include <filesystem>
#include <set>

#include "analysis/batch_stats.hpp"
#include "analysis/delivery_figures.hpp"

namespace kiln::orchestrator {
namespace {

OutlierSettings rule() { return OutlierSettings{}; }  // k 3.5, min batch 5, 3 %

TEST(BatchStats, MedianAndMadOfAnEvenBatch) {
  auto s = describe_batch({456.7, 455.2, 458.1, 457.0, 454.9, 456.3, 412.0, 457.5});
  EXPECT_EQ(s.n, 8U);
  EXPECT_DOUBLE_EQ(s.min, 412.0);
  EXPECT_DOUBLE_EQ(s.max, 458.1);
  EXPECT_NEAR(s.median, 456.5, 1e-9);
  EXPECT_NEAR(s.mad, 1.15, 1e-9);  // deviations .2 .2 .5 1.0 | 1.3 1.6 1.6 44.5
  EXPECT_NEAR(s.sigma, 1.4826 * 1.15, 1e-9);
  EXPECT_EQ(s.sigma_basis, "MAD");
  auto j = judge_in_batch(412.0, s, Better::kHigher, rule());
  EXPECT_TRUE(j.outlier);
  EXPECT_NEAR(j.deviation_percent, -9.748, 1e-3);
  EXPECT_NEAR(j.robust_z, -26.10, 1e-2);
  // Far above the median is fine for a higher-is-better figure.
  EXPECT_FALSE(judge_in_batch(520.0, s, Better::kHigher, rule()).outlier);
  EXPECT_TRUE(judge_in_batch(520.0, s, Better::kLower, rule()).outlier);
}

TEST(BatchStats, TiesGiveMadZeroAndTheMeanDeviationTakesOver) {
  // Five identical nodes and one 10 % slower: MAD is 0.
  auto s = describe_batch({100, 100, 100, 100, 100, 90});
  EXPECT_DOUBLE_EQ(s.median, 100);
  EXPECT_DOUBLE_EQ(s.mad, 0);
  EXPECT_EQ(s.sigma_basis, "mean absolute deviation");
  EXPECT_NEAR(s.sigma, 1.2533 * 10.0 / 6.0, 1e-9);
  auto j = judge_in_batch(90, s, Better::kHigher, rule());
  EXPECT_TRUE(j.outlier);
  EXPECT_NEAR(j.robust_z, -10.0 / (1.2533 * 10.0 / 6.0), 1e-9);
  EXPECT_FALSE(judge_in_batch(100, s, Better::kHigher, rule()).outlier);
}

TEST(BatchStats, AllEqualMeansNoOutlier) {
  auto s = describe_batch({25, 25, 25, 25, 25, 25});
  EXPECT_DOUBLE_EQ(s.sigma, 0);
  EXPECT_EQ(s.sigma_basis, "none (all equal)");
  EXPECT_FALSE(judge_in_batch(25, s, Better::kHigher, rule()).outlier);
}

TEST(BatchStats, TinyBatchesGetNoVerdict) {
  auto s = describe_batch({456.7, 455.2, 300.0, 457.0});  // 4 < 5
  EXPECT_FALSE(judge_in_batch(300.0, s, Better::kHigher, rule()).outlier);
  OutlierSettings three = rule();
  three.min_batch = 3;
  EXPECT_TRUE(judge_in_batch(300.0, s, Better::kHigher, three).outlier);
  EXPECT_EQ(describe_batch({}).n, 0U);
}

TEST(BatchStats, NoiseBelowTheMinimumDeviationIsNotAnOutlier) {
  // A very tight batch: 1 % slower is 20 robust sigmas away but only noise.
  auto s = describe_batch({1000.0, 1000.1, 1000.2, 999.9, 1000.0, 1000.1, 990.0});
  auto j = judge_in_batch(990.0, s, Better::kHigher, rule());
  EXPECT_LT(j.robust_z, -3.5);
  EXPECT_FALSE(j.outlier);
  OutlierSettings strict = rule();
  strict.min_deviation_percent = 0.5;
  EXPECT_TRUE(judge_in_batch(990.0, s, Better::kHigher, strict).outlier);
}

// A report.json as kiln-runner writes it, trimmed to what the analysis reads:
// node `node`'s own disk and NIC (their serial and MAC differ on every node),
// named as the runner names them (catalog::label) and with the identity it
// sends as "hardware" (disk_identity(), TestedInterface::identity()).
nlohmann::json report(double score, std::optional<double> sda_iops, double gbps,
                      double p99_us = 180.0, int node = 0) {
  catalog::ComponentIdentity nvme;
  nvme.kind = "disk";
  nvme.name = "nvme0n1";
  nvme.model = "KILN NVMe 3.84TB";
  nvme.serial = fmt::format("KILN-NVME-{:04}", node);
  nvme.firmware = "1.2.0";
  nvme.location = "slot 3";
  nvme.device = "/dev/nvme0n1";
  const std::string disk = catalog::label(nvme);
  const nlohmann::json disk_id = catalog::to_json(nvme);
  catalog::ComponentIdentity port;
  port.kind = "nic";
  port.name = "eno1";
  port.model = "ice 8086:1592";
  port.serial = fmt::format("02:00:00:00:00:{:02x}", node);
  port.location = "0000:3b:00.0";
  port.speed_mbps = 25000;
  const std::string nic = catalog::label(port);
  const nlohmann::json nic_id = catalog::to_json(port);
  nlohmann::json limit_score{{"name", "limits.benchmark.min_score"},
                             {"comparison", "GREATER_THAN_OR_EQUAL"},
                             {"threshold", 430.0},
                             {"passed", score >= 430.0}};
  nlohmann::json benchmark{
      {"name", "benchmark"},
      {"measurements",
       {{{"name", "score"}, {"value", score}, {"unit", "score"}, {"component", "CPU"},
         {"limits", {limit_score}}},
        {{"name", "copies"}, {"value", 64}, {"unit", ""}, {"component", "CPU"}},
        {{"name", "workload_score"}, {"value", score * 0.97}, {"unit", "score"},
         {"component", "workload particle_transport"}}}}};
  nlohmann::json inventory{
      {"name", "inventory"},
      {"measurements", {{{"name", "cpu_threads"}, {"value", 128}, {"component", "CPU"}}}}};
  nlohmann::json disk_perf{{"name", "disk-perf"}, {"measurements", nlohmann::json::array()}};
  if (sda_iops) {
    disk_perf["measurements"].push_back({{"name", "rand_read_iops"},
                                         {"value", *sda_iops},
                                         {"unit", "IOPS"},
                                         {"component", disk},
                                         {"hardware", disk_id}});
  }
  disk_perf["measurements"].push_back({{"name", "rand_read_p99_latency"},
                                       {"value", p99_us},
                                       {"unit", "us"},
                                       {"component", disk},
                                       {"hardware", disk_id}});
  // Not in the catalog (a future runner's figure): kept, listed as not analysed.
  disk_perf["measurements"].push_back(
      {{"name", "queue_depth_effective"}, {"value", 31}, {"component", disk}});
  // Two iperf3 partners: the node's figure is their mean.
  nlohmann::json network{
      {"name", "network"},
      {"measurements",
       {{{"name", "tcp_tx_gbps"}, {"value", gbps - 0.1}, {"unit", "Gbit/s"}, {"component", nic},
         {"hardware", nic_id}},
        {{"name", "tcp_tx_gbps"}, {"value", gbps + 0.1}, {"unit", "Gbit/s"}, {"component", nic},
         {"hardware", nic_id}}}}};
  return {{"verdict", "PASS"},
          {"failures", nlohmann::json::array()},
          {"stages", {inventory, benchmark, disk_perf, network}}};
}

TEST(DeliveryFigures, PicksPerformanceFiguresWithDirectionAndTender) {
  auto analysed = analyse_report(report(456.7, 812000.0, 9.4, 180.0, 3));
  const auto& figures = analysed.figures;
  std::vector<std::string> keys;
  for (const auto& f : figures) keys.push_back(f.key);
  // Grouped by role, never by serial or MAC: every node's disk and NIC join one batch.
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "benchmark.score",
                      "benchmark.workload_score[workload particle_transport]",
                      "disk-perf.rand_read_iops[disk model KILN NVMe 3.84TB]",
                      "disk-perf.rand_read_p99_latency[disk model KILN NVMe 3.84TB]",
                      "network.tcp_tx_gbps[NIC 25000 Mb/s]"}));
  EXPECT_EQ(analysed.not_analysed, (std::vector<std::string>{"disk-perf.queue_depth_effective"}));
  EXPECT_EQ(figures[0].label, "benchmark score");
  ASSERT_TRUE(figures[0].tender);
  EXPECT_EQ(figures[0].tender->name, "limits.benchmark.min_score");
  EXPECT_DOUBLE_EQ(figures[0].tender->threshold, 430.0);
  EXPECT_EQ(figures[3].better, Better::kLower);
  EXPECT_EQ(figures[2].label, "fio rand_read IOPS of disk KILN-NVME-0003 (/dev/nvme0n1, slot 3)");
  EXPECT_EQ(figures[2].batch_label, "fio rand_read IOPS, disk model KILN NVMe 3.84TB");
  EXPECT_EQ(figures[4].component, "NIC eno1 (MAC 02:00:00:00:00:03, PCI 0000:3b:00.0)");
  EXPECT_NEAR(figures[4].value, 9.4, 1e-9);  // mean of the two partners
  EXPECT_TRUE(figures_of_report(nlohmann::json::parse("[1,2]")).empty());
  EXPECT_TRUE(figures_of_report(nlohmann::json{{"stages", "garbage"}}).empty());
}

struct Batch {
  std::vector<NodeRecord> nodes;
  std::vector<RunRow> runs;
  void add(const std::string& uuid, const std::string& serial,
           const std::optional<nlohmann::json>& r, const std::string& verdict = "PASS") {
    nodes.push_back(NodeRecord{uuid, "PO-2026-0042", serial, serial, {}, ""});
    if (!r) return;
    RunRow run;
    run.id = "run-" + serial;
    run.node_uuid = uuid;
    run.state = "reported";
    run.verdict = verdict;
    run.report = r->dump();
    runs.push_back(run);
  }
};

TEST(DeliverySummary, FlagsTheSlowNodeWithFigureMedianDeviationAndHint) {
  Batch b;
  const double scores[] = {456.7, 455.2, 458.1, 457.0, 454.9, 456.3, 412.0, 457.5};
  for (int i = 0; i < 8; ++i) {
    std::string uuid = fmt::format("{}f3c1a2b-0000-4000-8000-00000000000{}", i, i);
    std::optional<double> iops = 810000.0 + 1000.0 * i;
    if (i == 2) iops.reset();  // its disk-perf stage errored: the figure is missing
    b.add(uuid, fmt::format("S{}", i), report(scores[i], iops, 9.4 + 0.01 * i, 180.0, i));
  }
  b.add("ffffffff-0000-4000-8000-000000000009", "S9", std::nullopt);  // not burnt in yet
  b.nodes.push_back(NodeRecord{"other", "PO-OTHER", "X", "X", {}, ""});
  auto summary = delivery_summary("PO-2026-0042", b.nodes, b.runs, rule());
  ASSERT_TRUE(summary);
  const auto& s = *summary;
  EXPECT_EQ(s["nodes"], 9);
  EXPECT_EQ(s["reported"], 8);
  EXPECT_EQ(s["verdicts"]["PASS"], 8);
  EXPECT_EQ(s["verdicts"]["none"], 1);
  EXPECT_EQ(s["states"]["no run"], 1);
  ASSERT_EQ(s["outliers"].size(), 2U);  // score and workload score of the same node
  const auto& o = s["outliers"][0]["figure"] == "benchmark.score" ? s["outliers"][0] : s["outliers"][1];
  EXPECT_EQ(o["node"], "6f3c1a2b-0000-4000-8000-000000000006");
  EXPECT_EQ(o["message"],
            "node 6f3c1a2b… (S6): benchmark score 412.0 is 9.7 % below the batch median 456.5 "
            "(robust z -26.1): check BIOS power profile / memory population");
  EXPECT_EQ(s["outlier_nodes"], 1);
  const auto& score = s["figures"][0];
  EXPECT_EQ(score["key"], "benchmark.score");
  EXPECT_DOUBLE_EQ(score["min"].get<double>(), 412.0);
  EXPECT_DOUBLE_EQ(score["median"].get<double>(), 456.5);
  EXPECT_DOUBLE_EQ(score["max"].get<double>(), 458.1);
  EXPECT_EQ(score["tender"]["threshold"], 430.0);
  EXPECT_EQ(score["below_tender"], 1);
  EXPECT_EQ(score["outlier_verdict"], "judged");
  const auto& iops = s["figures"][2];
  EXPECT_EQ(iops["key"], "disk-perf.rand_read_iops[disk model KILN NVMe 3.84TB]");
  EXPECT_EQ(iops["nodes"], 7);
  EXPECT_EQ(iops["missing"], nlohmann::json::array({"2f3c1a2b-0000-4000-8000-000000000002"}));
  EXPECT_EQ(iops["outliers"], 0);
  EXPECT_EQ(s["figures"][3]["sigma_basis"], "none (all equal)");  // identical p99 latencies
  EXPECT_EQ(s["not_analysed"], (nlohmann::json{{"disk-perf.queue_depth_effective", 8}}));
  auto mine = outliers_of_node(s, "6f3c1a2b-0000-4000-8000-000000000006");
  ASSERT_EQ(mine.size(), 2U);
  EXPECT_TRUE(outliers_of_node(s, "0f3c1a2b-0000-4000-8000-000000000000").empty());
  EXPECT_FALSE(delivery_summary("PO-NOBODY", b.nodes, b.runs, rule()));
}

// Decommission runs of the same nodes (later than their burn-ins) neither
// replace the burn-in verdicts nor enter the figures: they are counted apart.
TEST(DeliverySummary, DecommissionRunsAreCountedApartFromTheBurnIn) {
  Batch b;
  for (int i = 0; i < 6; ++i)
    b.add(fmt::format("node-{}", i), fmt::format("S{}", i), report(456.0 + i, 810000.0, 9.4));
  b.add("node-6", "S6", std::nullopt);  // decommissioned without a burn-in
  auto decommission = [&](const std::string& node, const std::string& verdict, double score) {
    RunRow run;
    run.id = "decom-" + node;
    run.node_uuid = node;
    run.kind = "decommission";
    run.state = verdict.empty() ? "registered" : "reported";
    run.verdict = verdict;
    if (!verdict.empty()) run.report = report(score, 1.0, 0.1).dump();  // far off the batch
    b.runs.push_back(run);
  };
  decommission("node-0", "PASS", 10.0);
  decommission("node-1", "PASS", 11.0);
  decommission("node-2", "FAIL", 12.0);
  decommission("node-3", "", 0);
  decommission("node-6", "ERROR", 13.0);
  auto s = delivery_summary("PO-2026-0042", b.nodes, b.runs, rule(), {"decom-node-0", "decom-node-2"});
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["run_kind"], "burnin");
  EXPECT_EQ((*s)["nodes"], 7);
  EXPECT_EQ((*s)["reported"], 6);
  EXPECT_EQ((*s)["verdicts"]["PASS"], 6);
  EXPECT_EQ((*s)["verdicts"]["none"], 1);
  EXPECT_EQ((*s)["states"]["reported"], 6);
  EXPECT_EQ((*s)["states"]["no run"], 1);
  EXPECT_TRUE((*s)["outliers"].empty()) << (*s)["outliers"].dump();
  EXPECT_EQ((*s)["figures"][0]["nodes"], 6);
  EXPECT_DOUBLE_EQ((*s)["figures"][0]["min"].get<double>(), 456.0);
  EXPECT_EQ((*s)["decommission"], (nlohmann::json{{"nodes", 5},
                                                  {"wiped", 2},
                                                  {"certified", 2},
                                                  {"failed", 2},
                                                  {"running", 1}}));
  // Without decommission runs the counts are zero.
  Batch only;
  only.add("a", "S1", report(456.0, 800000.0, 9.4));
  EXPECT_EQ((*delivery_summary("PO-2026-0042", only.nodes, only.runs, rule()))["decommission"]["nodes"], 0);
}

TEST(DeliverySummary, ATinyDeliverySaysWhyItMakesNoOutlierVerdict) {
  Batch b;
  b.add("a", "S1", report(456.0, 800000.0, 9.4));
  b.add("b", "S2", report(300.0, 800000.0, 9.4), "FAIL");
  b.add("c", "S3", report(457.0, 800000.0, 9.4));
  auto s = delivery_summary("PO-2026-0042", b.nodes, b.runs, rule());
  ASSERT_TRUE(s);
  EXPECT_TRUE((*s)["outliers"].empty());
  EXPECT_EQ((*s)["figures"][0]["outlier_verdict"],
            "none: 3 nodes with this figure, fewer than the 5 an outlier verdict needs");
  EXPECT_EQ((*s)["verdicts"]["FAIL"], 1);
  EXPECT_EQ((*s)["method"]["action"], "flag");
}

TEST(DeliverySummary, ASlowDiskAndAHighLatencyAreCaughtPerDisk) {
  Batch b;
  for (int i = 0; i < 6; ++i) {
    const double iops = i == 4 ? 402000.0 : 810000.0 + 2500.0 * i;
    const double p99 = i == 1 ? 950.0 : 180.0 + i;
    b.add(fmt::format("node-{}", i), fmt::format("S{}", i), report(456.0 + i, iops, 9.4, p99, i));
  }
  auto s = delivery_summary("PO-2026-0042", b.nodes, b.runs, rule());
  ASSERT_TRUE(s);
  ASSERT_EQ((*s)["outliers"].size(), 2U);
  std::set<std::string> found;
  for (const auto& o : (*s)["outliers"]) found.insert(o["node"].get<std::string>() + " " + o["figure"].get<std::string>());
  EXPECT_EQ(found, (std::set<std::string>{
                       "node-1 disk-perf.rand_read_p99_latency[disk model KILN NVMe 3.84TB]",
                       "node-4 disk-perf.rand_read_iops[disk model KILN NVMe 3.84TB]"}));
  for (const auto& o : (*s)["outliers"]) {
    const std::string m = o["message"];
    const bool iops = o["figure"] == "disk-perf.rand_read_iops[disk model KILN NVMe 3.84TB]";
    EXPECT_NE(m.find(iops ? "below" : "above"), std::string::npos) << m;
    // The outlier names the node's own disk by serial.
    EXPECT_NE(m.find(iops ? "of disk KILN-NVME-0004 (/dev/nvme0n1, slot 3)" : "of disk KILN-NVME-0001"),
              std::string::npos) << m;
    EXPECT_NE(m.find("check the disk's model and firmware"), std::string::npos) << m;
  }
}

// Every node's NIC has its own MAC: grouped by link speed they form one batch,
// and the slow link is named by its node and its NIC.
TEST(DeliverySummary, ASlowLinkIsCaughtAcrossNodesNamingTheNic) {
  Batch b;
  for (int i = 0; i < 6; ++i) {
    const double gbps = i == 2 ? 4.1 : 9.4 + 0.02 * i;
    b.add(fmt::format("node-{}", i), fmt::format("S{}", i), report(456.0, 810000.0, gbps, 180.0, i));
  }
  auto s = delivery_summary("PO-2026-0042", b.nodes, b.runs, rule());
  ASSERT_TRUE(s);
  ASSERT_EQ((*s)["outliers"].size(), 1U) << (*s)["outliers"].dump();
  const auto& o = (*s)["outliers"][0];
  EXPECT_EQ(o["node"], "node-2");
  EXPECT_EQ(o["figure"], "network.tcp_tx_gbps[NIC 25000 Mb/s]");
  const std::string m = o["message"];
  EXPECT_NE(m.find("iperf3 TCP throughput of NIC eno1 (MAC 02:00:00:00:00:02"), std::string::npos) << m;
  EXPECT_NE(m.find("check cable, switch port"), std::string::npos) << m;
}

}  // namespace
}  // namespace kiln::orchestrator

namespace kiln::orchestrator {
namespace {

TEST(DeliverySummaryConfig, RunnerTimeoutAndOutlierKeysParseOrNameTheMistake) {
  const std::string base = "operator_token: operator-token-0123456789\n";
  auto c = parse_orchestrator_config(base, "o.yaml");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->runner_timeout, std::chrono::minutes(15));
  EXPECT_FALSE(c->outliers.fail);
  EXPECT_DOUBLE_EQ(c->outliers.k, 3.5);
  EXPECT_EQ(c->outliers.min_batch, 5);
  c = parse_orchestrator_config(base +
                                    "runner_timeout: 2h\noutliers: fail\noutlier_k: 5\n"
                                    "outlier_min_batch: 8\noutlier_min_deviation_percent: 1.5\n",
                                "o.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->runner_timeout, std::chrono::hours(2));
  EXPECT_TRUE(c->outliers.fail);
  EXPECT_DOUBLE_EQ(c->outliers.k, 5);
  EXPECT_EQ(c->outliers.min_batch, 8);
  EXPECT_DOUBLE_EQ(c->outliers.min_deviation_percent, 1.5);
  const std::pair<const char*, const char*> bad[] = {
      {"runner_timeout: soon\n", "o.yaml:2: runner_timeout: 'soon' is not a duration"},
      {"outliers: maybe\n", "o.yaml:2: outliers: 'maybe' is neither 'flag' nor 'fail'"},
      {"outlier_k: 0\n", "o.yaml:2: outlier_k must be above 0"},
      {"outlier_min_batch: 2\n", "o.yaml:2: outlier_min_batch must be 3 or more"}};
  for (const auto& [yaml, message] : bad) {
    auto e = parse_orchestrator_config(base + yaml, "o.yaml");
    ASSERT_FALSE(e) << yaml;
    EXPECT_NE(e.error().message.find(message), std::string::npos) << e.error().message;
  }
}

TEST(DeliverySummaryApi, ServedToTheOperatorOnly) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kiln-summary-api-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto store = open_run_store("sqlite://" + (dir / "kiln.db").string());
    ASSERT_TRUE(store) << store.error().message;
    for (int i = 0; i < 6; ++i) {
      const std::string uuid = fmt::format("node-{}", i);
      ASSERT_TRUE((*store)->upsert_node({uuid, "PO-2026-0042", fmt::format("S{}", i), "", {}, ""}));
      RunRow run;
      run.id = "run-" + uuid;
      run.node_uuid = uuid;
      run.token_hash = "hash-" + uuid;
      ASSERT_TRUE((*store)->create_run(run));
      ASSERT_TRUE((*store)->store_report(
          run.id, report(i == 3 ? 380.0 : 456.0 + 0.5 * i, 800000.0, 9.4).dump(), "PASS"));
    }
    OrchestratorConfig config;
    config.operator_token = "operator-token-0123456789";
    ApiService api(**store, config);
    const std::string op = "Bearer operator-token-0123456789";
    auto r = api.handle({"GET", "/v1/deliveries/PO-2026-0042/summary", op, ""});
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["nodes"], 6);
    EXPECT_EQ(r.body["outlier_nodes"], 1);
    EXPECT_EQ(r.body["outliers"][0]["node"], "node-3");
    EXPECT_EQ(api.handle({"GET", "/v1/deliveries/PO-NONE/summary", op, ""}).status, 404);
    EXPECT_EQ(api.handle({"GET", "/v1/deliveries/PO-2026-0042/summary", "", ""}).status, 401);
    EXPECT_EQ(api.handle({"GET", "/v1/deliveries/PO-2026-0042/summary", "Bearer x", ""}).status,
              401);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln::orchestrator
