// The Ironic driver judging a PASSed node against its delivery batch: with
// `outliers: flag` it keeps its PASS with trait CUSTOM_KILN_OUTLIER and the
// message in extra.kiln.outliers; with `outliers: fail` it goes to maintenance.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "driver_test_fixture.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kNode = "5e1d9c3a-03f2-4d2d-ae87-c02d7f33c123";

std::string report_with_score(double score) {
  nlohmann::json m{{"name", "score"}, {"value", score}, {"unit", "score"}, {"component", "CPU"}};
  nlohmann::json stage{{"name", "benchmark"}, {"measurements", {m}}};
  return nlohmann::json{{"verdict", "PASS"}, {"failures", nlohmann::json::array()},
                        {"stages", {stage}}}
      .dump();
}

class OutlierDriverTest : public DriverTest<::testing::TestWithParam<bool>> {
 protected:
  OutlierDriverTest() : DriverTest(kNode) {}
  void SetUp() override {
    open_store("kiln-outlier");
    config_.outliers.fail = GetParam();
    // Five batch mates burnt in without Ironic, around 456.
    const double scores[] = {456.7, 455.2, 458.1, 457.0, 454.9};
    for (int i = 0; i < 5; ++i) {
      const std::string uuid = fmt::format("mate-{}", i);
      ASSERT_TRUE(store_->upsert_node({uuid, "PO-2026-0042", fmt::format("S{}", i), "", {}, ""}));
      RunRow run;
      run.id = "run-" + uuid;
      run.node_uuid = uuid;
      run.token_hash = "hash-" + uuid;
      ASSERT_TRUE(store_->create_run(run));
      ASSERT_TRUE(store_->store_report(run.id, report_with_score(scores[i]), "PASS"));
    }
    ASSERT_TRUE(store_->upsert_node({kNode, "PO-2026-0042", "S9", "", {}, ""}));
    ASSERT_TRUE(store_->create_run(unstarted_run("run-1", kNode)));
  }
  // Ironic up, the node deployed, a PASS with benchmark score `score` reported, the run judged.
  void run_with_score(double score) {
    ironic_.listen();
    ApiService api(*store_, config_);
    BurninDriver driver(*store_, api.endpoint(), config_.ironic);
    driver.set_outlier_settings(config_.outliers);
    ASSERT_TRUE(drive_to(driver, "run-1", "running"));
    ASSERT_TRUE(store_->store_report("run-1", report_with_score(score), "PASS"));
    ASSERT_TRUE(drive_to(driver, "run-1", "done"));
  }
};

TEST_P(OutlierDriverTest, ASlowNodeIsFlaggedOrFailed) {
  ASSERT_NO_FATAL_FAILURE(run_with_score(412.0));
  std::lock_guard lock(ironic_.mu);
  const auto& extra = ironic_.node["extra"]["kiln"];
  ASSERT_EQ(extra["outliers"].size(), 1U) << extra.dump();
  const std::string message = extra["outliers"][0];
  EXPECT_EQ(message.rfind("node 5e1d9c3a… (S9): benchmark score 412.0 is", 0), 0U) << message;
  if (GetParam()) {
    EXPECT_EQ(extra["verdict"], "FAIL");
    EXPECT_EQ(ironic_.node["maintenance"], true);
    EXPECT_EQ(ironic_.node["maintenance_reason"], "kiln: outlier of its delivery batch: " + message);
    EXPECT_EQ(ironic_.node["provision_state"], "active");
    EXPECT_EQ(ironic_.node["traits"],
              nlohmann::json::array({"CUSTOM_KILN_FAILED", "CUSTOM_KILN_OUTLIER"}));
  } else {
    EXPECT_EQ(extra["verdict"], "PASS");
    EXPECT_EQ(ironic_.node["maintenance"], false);
    EXPECT_EQ(ironic_.node["provision_state"], "available");
    EXPECT_EQ(ironic_.node["traits"],
              nlohmann::json::array({"CUSTOM_KILN_PASSED", "CUSTOM_KILN_OUTLIER"}));
  }
}

TEST_P(OutlierDriverTest, ANodeInLineWithItsBatchIsNotFlagged) {
  ASSERT_NO_FATAL_FAILURE(run_with_score(456.0));
  std::lock_guard lock(ironic_.mu);
  EXPECT_TRUE(ironic_.node["extra"]["kiln"]["outliers"].empty());
  EXPECT_EQ(ironic_.node["traits"], nlohmann::json::array({"CUSTOM_KILN_PASSED"}));
  EXPECT_EQ(ironic_.node["provision_state"], "available");
}

INSTANTIATE_TEST_SUITE_P(FlagAndFail, OutlierDriverTest, ::testing::Bool());

}  // namespace
}  // namespace kiln::orchestrator
