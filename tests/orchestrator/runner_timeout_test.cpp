// Dead runners: the silence rule with a controllable clock, the sweep on a
// real SQLite store, the API refreshing contact from artifact batches, and the
// ERROR taking the Ironic driver's path to maintenance with the reason.
#include "liveness/runner_timeout.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "api/api_service.hpp"
#include "driver_test_fixture.hpp"
#include "ironic/burnin_driver.hpp"

namespace kiln::orchestrator {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
constexpr const char* kNode = "7f3c1a2b-03f2-4d2d-ae87-c02d7f33c123";

std::chrono::system_clock::time_point at(const std::string& utc) {
  auto t = parse_utc(utc);
  EXPECT_TRUE(t) << utc;
  return t.value_or(std::chrono::system_clock::time_point{});
}

RunRow registered_run(const std::string& last_heartbeat) {
  RunRow run;
  run.id = "run-1";
  run.node_uuid = kNode;
  run.state = "registered";
  run.driver_state = "running";
  run.last_heartbeat = last_heartbeat;
  run.updated_at = "2026-11-21T10:00:00Z";
  run.stage = "memtest";
  run.progress = 41;
  return run;
}

TEST(RunnerTimeout, TimesAndDurationsParse) {
  EXPECT_EQ(at("2026-11-21T10:15:00Z") - at("2026-11-21T10:00:00Z"), minutes(15));
  EXPECT_FALSE(parse_utc("2026-11-21 10:00:00"));
  EXPECT_FALSE(parse_utc("2026-11-21T10:00:00Zjunk"));
  EXPECT_FALSE(parse_utc(""));
  EXPECT_EQ(*parse_timeout("15m"), minutes(15));
  EXPECT_EQ(*parse_timeout("90s"), seconds(90));
  EXPECT_EQ(*parse_timeout("2h"), seconds(7200));
  EXPECT_EQ(*parse_timeout("600"), seconds(600));
  EXPECT_EQ(*parse_timeout("0"), seconds(0));
  for (const char* bad : {"", "m", "15x", "-5m", "1.5h", "15 m"}) {
    auto t = parse_timeout(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message.find("not a duration"), std::string::npos);
  }
  EXPECT_EQ(describe_duration(minutes(15)), "15m");
  EXPECT_EQ(describe_duration(seconds(90)), "90s");
  EXPECT_EQ(describe_duration(seconds(5400)), "1h30m");
}

TEST(RunnerTimeout, ASilentRunnerIsDeadOnlyAfterTheTimeout) {
  const auto run = registered_run("2026-11-21T10:00:00Z");
  EXPECT_FALSE(runner_silence(run, at("2026-11-21T10:14:59Z"), minutes(15)));
  EXPECT_FALSE(runner_silence(run, at("2026-11-21T10:15:00Z"), minutes(15)));
  auto reason = runner_silence(run, at("2026-11-21T10:15:01Z"), minutes(15));
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason,
            "kiln: no heartbeat from node 7f3c1a2b-03f2-4d2d-ae87-c02d7f33c123 since "
            "2026-11-21T10:00:00Z (timeout 15m): the runner or the node died during burn-in run "
            "run-1 (last stage memtest, 41 %)");
  EXPECT_FALSE(runner_silence(run, at("2026-11-22T10:00:00Z"), seconds(0)));  // 0: off
}

TEST(RunnerTimeout, FinishedAbortedAndNotYetBootedRunsNeverTimeOut) {
  const auto late = at("2026-11-21T12:00:00Z");
  auto run = registered_run("2026-11-21T10:00:00Z");
  run.state = "reported";
  EXPECT_FALSE(runner_silence(run, late, minutes(15)));
  run = registered_run("2026-11-21T10:00:00Z");
  run.directive = "abort";
  EXPECT_FALSE(runner_silence(run, late, minutes(15)));
  for (const char* step : {"start", "provide", "wait_available", "deploy", "wait_active", "done"}) {
    run = registered_run("2026-11-21T10:00:00Z");
    run.driver_state = step;
    EXPECT_FALSE(runner_silence(run, late, minutes(15))) << step;
  }
  run = registered_run("not a time");
  EXPECT_FALSE(runner_silence(run, late, minutes(15)));
}

TEST(RunnerTimeout, ANodeThatNeverRegisteredCountsFromItsDeployment) {
  RunRow run = registered_run("");
  run.state = "started";
  run.updated_at = "2026-11-21T10:00:00Z";  // when the driver moved it to running
  EXPECT_FALSE(runner_silence(run, at("2026-11-21T10:10:00Z"), minutes(15)));
  auto reason = runner_silence(run, at("2026-11-21T10:20:00Z"), minutes(15));
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("never reported since 2026-11-21T10:00:00Z (timeout 15m)"),
            std::string::npos)
      << *reason;
  run.driver_state = "none";  // without Ironic: counted from the start
  EXPECT_TRUE(runner_silence(run, at("2026-11-21T10:20:00Z"), minutes(15)));
}

TEST(RunnerTimeout, ContactIsRefreshedAtMostOncePerInterval) {
  EXPECT_EQ(contact_refresh_interval(minutes(15)), seconds(60));
  EXPECT_EQ(contact_refresh_interval(seconds(100)), seconds(10));
  EXPECT_EQ(contact_refresh_interval(seconds(3)), seconds(1));
}

class RunnerTimeoutStoreTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override { open_store("kiln-timeout"); }
  // One unfinished run per node (the store's unique index): a second run
  // names another node.
  void add_run(const std::string& id, const std::string& driver_state,
               const std::string& node = kNode) {
    RunRow run;
    run.id = id;
    run.node_uuid = node;
    run.token_hash = "hash-" + id;
    run.driver_state = driver_state;
    ASSERT_TRUE(store_->create_run(run));
    ASSERT_TRUE(store_->set_run_state(id, "registered"));
    ASSERT_TRUE(store_->record_heartbeat(id));
  }
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST_F(RunnerTimeoutStoreTest, TheSweepEndsSilentRunsErrorOnceAndSparesLiveOnes) {
  add_run("run-dead", "none");
  add_run("run-done", "none", "peer-node");
  ASSERT_TRUE(store_->store_report("run-done", R"({"verdict":"PASS","failures":[]})", "PASS"));
  RunnerTimeoutSweep sweep(*store_, minutes(15), [this]() { return now_; });
  EXPECT_TRUE(sweep.sweep()->empty());  // the orchestrator starts
  now_ += minutes(10);
  ASSERT_TRUE(sweep.sweep());
  EXPECT_TRUE(sweep.sweep()->empty());
  now_ += minutes(6);
  auto ended = sweep.sweep();
  ASSERT_TRUE(ended) << ended.error().message;
  ASSERT_EQ(ended->size(), 1U);
  EXPECT_EQ((*ended)[0].run_id, "run-dead");
  auto run = **store_->find_run("run-dead");
  EXPECT_EQ(run.verdict, "ERROR");
  EXPECT_EQ(run.state, "reported");
  EXPECT_EQ(run.directive, "abort");  // a runner that comes back stops
  auto report = nlohmann::json::parse(run.report);
  EXPECT_EQ(report["failures"][0], (*ended)[0].reason);
  EXPECT_NE((*ended)[0].reason.find("no heartbeat from node " + std::string(kNode)),
            std::string::npos);
  EXPECT_NE((*ended)[0].reason.find("(timeout 15m)"), std::string::npos);
  EXPECT_EQ(report["errors"][0]["symptom"], "runner-timeout");
  EXPECT_EQ((**store_->find_run("run-done")).verdict, "PASS");
  EXPECT_TRUE(sweep.sweep()->empty());  // ended once
}

TEST_F(RunnerTimeoutStoreTest, AHeartbeatKeepsARunAlive) {
  RunRow run;
  run.id = "run-1";
  run.node_uuid = kNode;
  run.token_hash = "hash";
  run.state = "registered";
  run.driver_state = "none";
  run.last_heartbeat = "2020-01-01T10:00:00Z";
  ASSERT_TRUE(store_->create_run(run));
  now_ = at("2020-01-01T10:16:00Z");
  RunnerTimeoutSweep sweep(*store_, minutes(15), [this]() { return now_; });
  ASSERT_TRUE(store_->record_heartbeat("run-1"));  // the runner spoke (now, real time)
  EXPECT_TRUE(sweep.sweep()->empty());
  now_ = std::chrono::system_clock::now() + minutes(14);
  EXPECT_TRUE(sweep.sweep()->empty());
  now_ += minutes(2);
  EXPECT_EQ(sweep.sweep()->size(), 1U);
}

// An orchestrator that was away (runners could not reach it) does not count
// its own downtime against them; silence from before it went down still counts.
TEST_F(RunnerTimeoutStoreTest, TheOrchestratorsOwnDowntimeIsNotCounted) {
  // Times around the store's own clock: the last write (created_at) is "now".
  const auto real = at(utc_now());
  auto utc = [](std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::time_point_cast<seconds>(t));
  };
  auto add = [&](const std::string& id, std::chrono::system_clock::time_point last_contact) {
    RunRow run;
    run.id = id;
    run.node_uuid = "node-" + id;  // one unfinished run per node
    run.token_hash = "hash-" + id;
    run.state = "registered";
    run.driver_state = "none";
    run.last_heartbeat = utc(last_contact);
    ASSERT_TRUE(store_->create_run(run));
  };
  add("run-alive", real - minutes(5));       // silent 5 min when the orchestrator stopped
  add("run-long-dead", real - minutes(25));  // silent 25 min when it stopped
  add("run-last", real);                     // the last contact before it stopped
  now_ = real + minutes(55);                 // back after 55 minutes
  RunnerTimeoutSweep sweep(*store_, minutes(15), [this]() { return now_; });
  auto ended = sweep.sweep();
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->size(), 1U);
  EXPECT_EQ((*ended)[0].run_id, "run-long-dead");
  EXPECT_NE((*ended)[0].reason.find("(timeout 15m, not counting the orchestrator's own "),
            std::string::npos)
      << (*ended)[0].reason;
  now_ = real + minutes(55 + 9);  // run-alive: 5 + 9 = 14 min of its own silence
  EXPECT_TRUE(sweep.sweep()->empty());
  now_ = real + minutes(55 + 11);  // 16 min: dead; run-last: 11 min, alive
  ended = sweep.sweep();
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->size(), 1U);
  EXPECT_EQ((*ended)[0].run_id, "run-alive");
}

TEST_F(RunnerTimeoutStoreTest, ArtifactBatchesCountAsContact) {
  OrchestratorConfig config;
  config.operator_token = "operator-token-0123456789";
  config.runner_timeout = seconds(10);  // contact refreshed after 1 s
  ApiService api(*store_, config);
  auto started = api.handle({"POST", "/v1/burnins", "Bearer operator-token-0123456789",
                             R"({"nodes": [")" + std::string(kNode) + R"("]})"});
  ASSERT_EQ(started.status, 201) << started.body.dump();
  const std::string run = started.body["runs"][0]["run_id"];
  const std::string token = "Bearer " + started.body["runs"][0]["token"].get<std::string>();
  EXPECT_EQ((**store_->find_run(run)).last_heartbeat, "");
  nlohmann::json identity{{"node", {{"ironic_uuid", kNode}, {"asset_tag", "PO-1"}}}};
  ASSERT_EQ(api.handle({"POST", "/v1/runs/register", token, identity.dump()}).status, 200);
  const auto registered_at = (**store_->find_run(run)).last_heartbeat;
  ASSERT_FALSE(registered_at.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  nlohmann::json batch{
      {"artifacts",
       {nlohmann::json{{"sequenceNumber", 0}, {"timestamp", "2026-11-21T10:00:00Z"}}.dump()}}};
  ASSERT_EQ(api.handle({"POST", "/v1/runs/" + run + "/artifacts", token, batch.dump()}).status,
            200);
  const auto streamed_at = (**store_->find_run(run)).last_heartbeat;
  EXPECT_GT(*parse_utc(streamed_at), *parse_utc(registered_at));
}

TEST_F(RunnerTimeoutStoreTest, TheErrorEndsInMaintenanceWithTheReason) {
  testing::FakeIronic ironic(kNode);
  ironic.listen();
  OrchestratorConfig config;
  config.operator_token = "operator-token-0123456789";
  use_fake_ironic(config.ironic, ironic);
  config.ironic.error_retries = 0;
  ApiService api(*store_, config);
  add_run("run-1", "start");
  BurninDriver driver(*store_, api.endpoint(), config.ironic);
  for (int i = 0; i < 200 && (**store_->find_run("run-1")).driver_state != "running"; ++i)
    driver.tick();
  ASSERT_EQ((**store_->find_run("run-1")).driver_state, "running");
  // With Ironic the sweep reads only the runs in flight.
  RunnerTimeoutSweep sweep(*store_, minutes(15), [this]() { return now_; }, true);
  EXPECT_TRUE(sweep.sweep()->empty());
  now_ += minutes(16);
  auto ended = sweep.sweep();
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->size(), 1U);
  for (int i = 0; i < 200 && (**store_->find_run("run-1")).driver_state != "done"; ++i)
    driver.tick();
  ASSERT_EQ((**store_->find_run("run-1")).driver_state, "done");
  std::lock_guard lock(ironic.mu);
  EXPECT_EQ(ironic.node["maintenance"], true);
  EXPECT_EQ(ironic.node["maintenance_reason"], (*ended)[0].reason);
  EXPECT_EQ(ironic.node["traits"], nlohmann::json::array({"CUSTOM_KILN_FAILED"}));
  EXPECT_EQ(ironic.node["extra"]["kiln"]["verdict"], "ERROR");
}

}  // namespace
}  // namespace kiln::orchestrator
