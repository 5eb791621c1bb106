// The exposition of /metrics: families, labels (escaped), cumulative buckets,
// runs by state and verdict, deliveries by their nodes' latest burn-in.
#include <gtest/gtest.h>

#include "metrics/exposition.hpp"

namespace kiln::orchestrator {
namespace {

RunRow run(std::string node, std::string kind, std::string state, std::string verdict) {
  RunRow r;
  r.node_uuid = std::move(node);
  r.kind = std::move(kind);
  r.state = std::move(state);
  r.verdict = std::move(verdict);
  return r;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Histogram, BucketsAreCumulativeAndTheLastIsTheCount) {
  Histogram h;
  h.observe(0.0004);
  h.observe(0.003);
  h.observe(0.003);
  h.observe(60);  // past every bound: +Inf only
  auto s = h.snapshot();
  EXPECT_EQ(s.count, 4U);
  EXPECT_EQ(s.cumulative[0], 1U);  // <= 0.0005
  EXPECT_EQ(s.cumulative[2], 1U);  // <= 0.0025
  EXPECT_EQ(s.cumulative[3], 3U);  // <= 0.005
  EXPECT_EQ(s.cumulative.back(), 3U);
  EXPECT_NEAR(s.sum, 60.0064, 1e-9);
}

TEST(Exposition, RunsDeliveriesAndCounters) {
  Metrics m;
  m.batches_stored = 7;
  m.batches_refused = 1;
  m.artifact_lines = 321;
  m.batch_seconds.observe(0.002);
  m.runner_timeouts = 2;
  m.count_ironic_call("GET", "ok");
  m.count_ironic_call("GET", "ok");
  m.count_ironic_call("PUT", "KILN-IRONIC-LOCKED");
  std::vector<NodeRecord> nodes{{"n1", "PO-1", "S1", "", {}, ""},
                                {"n2", "PO-1", "S2", "", {}, ""},
                                {"n3", "PO \"2\"", "S3", "", {}, ""},
                                {"n4", "", "S4", "", {}, ""}};
  std::vector<RunRow> runs{run("n1", "burnin", "reported", "FAIL"),
                           run("n1", "burnin", "reported", "PASS"),  // the latest wins
                           run("n2", "burnin", "registered", ""),
                           run("n2", "decommission", "started", ""),
                           run("n4", "burnin", "reported", "ERROR")};
  const auto text = "\n" + render_metrics(m, nodes, runs, "sqlite");
  EXPECT_TRUE(has_line(text, "# TYPE kiln_runs gauge"));
  EXPECT_TRUE(has_line(text, R"(kiln_runs{kind="burnin",state="reported",verdict="PASS"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_runs{kind="burnin",state="reported",verdict="FAIL"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_runs{kind="burnin",state="registered",verdict="none"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_runs{kind="decommission",state="started",verdict="none"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_delivery_nodes{delivery="PO-1",status="passed"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_delivery_nodes{delivery="PO-1",status="running"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_delivery_nodes{delivery="PO \"2\"",status="no_run"} 1)"));
  EXPECT_EQ(text.find("status=\"failed\""), std::string::npos);  // n1's FAIL is not its latest
  EXPECT_TRUE(has_line(text, R"(kiln_artifact_batches_total{result="stored"} 7)"));
  EXPECT_TRUE(has_line(text, R"(kiln_artifact_batches_total{result="refused"} 1)"));
  EXPECT_TRUE(has_line(text, "kiln_artifact_lines_total 321"));
  EXPECT_TRUE(has_line(text, R"(kiln_artifact_batch_duration_seconds_bucket{le="0.001"} 0)"));
  EXPECT_TRUE(has_line(text, R"(kiln_artifact_batch_duration_seconds_bucket{le="0.0025"} 1)"));
  EXPECT_TRUE(has_line(text, R"(kiln_artifact_batch_duration_seconds_bucket{le="+Inf"} 1)"));
  EXPECT_TRUE(has_line(text, "kiln_artifact_batch_duration_seconds_count 1"));
  EXPECT_TRUE(has_line(text, "kiln_store_commit_duration_seconds_count 0"));
  EXPECT_TRUE(has_line(text, R"(kiln_ironic_requests_total{method="GET",outcome="ok"} 2)"));
  EXPECT_TRUE(
      has_line(text, R"(kiln_ironic_requests_total{method="PUT",outcome="KILN-IRONIC-LOCKED"} 1)"));
  EXPECT_TRUE(has_line(text, "kiln_runner_timeouts_total 2"));
  EXPECT_NE(text.find(R"(kiln_build_info{version=")"), std::string::npos);
}

TEST(Exposition, EscapesLabelValues) {
  EXPECT_EQ(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

}  // namespace
}  // namespace kiln::orchestrator
