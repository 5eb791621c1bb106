// The Ironic state machine against a fake Ironic: the happy path to
// available, FAIL to maintenance, ERROR retried then failed, NodeLocked and
// Ironic being down retried, and a new driver resuming from the store.
#include "ironic/burnin_driver.hpp"

#include <gtest/gtest.h>

#include "driver_test_fixture.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kNode = "1be26c0b-03f2-4d2d-ae87-c02d7f33c123";

class BurninDriverTest : public DriverTest<> {
 protected:
  BurninDriverTest() : DriverTest(kNode) {}
  void SetUp() override {
    open_store("kiln-driver");
    config_.ironic.error_retries = 1;
    api_ = std::make_unique<ApiService>(*store_, config_);
    ASSERT_TRUE(store_->create_run(unstarted_run("run-1", kNode)));
  }
  void report(const std::string& run, const std::string& verdict, const std::string& failure = "") {
    nlohmann::json figure{{"name", "cpu_threads"}, {"value", 2}};
    nlohmann::json stage{{"name", "inventory"}, {"key_figures", nlohmann::json::array({figure})}};
    nlohmann::json r{{"verdict", verdict},
                     {"failures", nlohmann::json::array()},
                     {"stages", nlohmann::json::array({stage})}};
    if (!failure.empty()) r["failures"].push_back(failure);
    ASSERT_TRUE(store_->store_report(run, r.dump(), verdict));
  }
};

TEST_F(BurninDriverTest, PassEndsAvailableWithExtraAndTrait) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "run-1", "running"));
  {
    std::lock_guard lock(ironic_.mu);
    EXPECT_EQ(ironic_.node["provision_state"], "active");
    EXPECT_EQ(ironic_.node["deploy_interface"], "fake");
    EXPECT_EQ(ironic_.node["instance_info"]["kernel"], "http://img/k");
    std::string params = ironic_.node["instance_info"]["kernel_append_params"];
    EXPECT_NE(params.find("kiln.node=" + std::string(kNode)), std::string::npos);
    EXPECT_EQ(ironic_.node["extra"]["kiln"]["state"], "burning-in");
    EXPECT_EQ(ironic_.requests, (std::vector<std::string>{"PATCH", "provision provide",
                                                          "provision active", "PATCH"}));
  }
  EXPECT_NE((*store_->find_run("run-1"))->token_hash, "unset");
  report("run-1", "PASS");
  ASSERT_TRUE(drive_to(driver, "run-1", "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["provision_state"], "available");
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["verdict"], "PASS");
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["key_figures"]["inventory.cpu_threads"], 2);
  EXPECT_EQ(ironic_.node["traits"], nlohmann::json::array({"CUSTOM_KILN_PASSED"}));
  EXPECT_EQ(ironic_.node["maintenance"], false);
  for (const auto& v : ironic_.versions) EXPECT_EQ(v, "1.82");
}

TEST_F(BurninDriverTest, FailGoesToMaintenanceWithTheFirstFailure) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "run-1", "running"));
  report("run-1", "FAIL", "disk S3Z9NX0K: 12 reallocated sectors during burn-in, limit 0");
  ASSERT_TRUE(drive_to(driver, "run-1", "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["provision_state"], "active");
  EXPECT_EQ(ironic_.node["maintenance_reason"],
            "disk S3Z9NX0K: 12 reallocated sectors during burn-in, limit 0");
  EXPECT_EQ(ironic_.node["traits"], nlohmann::json::array({"CUSTOM_KILN_FAILED"}));
}

TEST_F(BurninDriverTest, ErrorIsRetriedWithARebuildThenFails) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "run-1", "running"));
  report("run-1", "ERROR");
  ASSERT_TRUE(drive_to(driver, "run-1", "done"));
  auto runs = store_->list_runs();
  ASSERT_EQ(runs->size(), 2U);
  // Both runs may carry the same created_at second; the retry is the one that is not run-1.
  const auto retry = (*runs)[0].id == "run-1" ? (*runs)[1] : (*runs)[0];
  EXPECT_EQ(retry.attempt, 2);
  ASSERT_TRUE(drive_to(driver, retry.id, "running"));
  {
    std::lock_guard lock(ironic_.mu);
    EXPECT_EQ(ironic_.requests.back(), "PATCH");
    EXPECT_EQ(ironic_.requests[ironic_.requests.size() - 2], "provision rebuild");
  }
  report(retry.id, "ERROR");
  ASSERT_TRUE(drive_to(driver, retry.id, "done"));
  EXPECT_EQ(store_->list_runs()->size(), 2U);  // no third attempt
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["maintenance"], true);
}

TEST_F(BurninDriverTest, NodeLockedAndIronicDownAreRetriedAndResumedFromTheStore) {
  {
    BurninDriver down(*store_, api_->endpoint(), config_.ironic);  // nobody listens yet
    down.tick();
    auto run = *store_->find_run("run-1");
    EXPECT_EQ(run->driver_state, "start");
    EXPECT_NE(run->driver_error.find("127.0.0.1"), std::string::npos) << run->driver_error;
  }
  {
    std::lock_guard lock(ironic_.mu);
    ironic_.locked_answers = 3;
  }
  ironic_.listen();
  BurninDriver first(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(first, "run-1", "wait_available"));
  // An orchestrator restart: a new driver continues from the stored step.
  BurninDriver second(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(second, "run-1", "running"));
  EXPECT_TRUE((*store_->find_run("run-1"))->driver_error.empty());
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.locked_answers, 0);
  EXPECT_EQ(std::count(ironic_.requests.begin(), ironic_.requests.end(), "provision provide"), 1);
}

}  // namespace
}  // namespace kiln::orchestrator
