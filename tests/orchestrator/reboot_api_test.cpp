// A second boot registering on a run, for every state the run can be in
// (docs/reboots.md): the API without a socket, on SQLite.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api_service.hpp"
#include "kiln_test_paths.hpp"
#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

class RebootApiTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override { open_store("kiln-reboot-api"); }
  // The API on the source tree's configs, `policy` written into the delivery.
  void serve(const std::string& policy = "") {
    std::filesystem::path configs = KILN_SOURCE_DIR "/configs";
    if (!policy.empty()) {
      configs = dir_ / "configs";
      std::filesystem::copy(KILN_SOURCE_DIR "/configs", configs,
                            std::filesystem::copy_options::recursive);
      const auto file = configs / "deliveries" / "po-2026-0042.yaml";
      std::stringstream text;
      text << std::ifstream(file).rdbuf();
      std::ofstream(file, std::ios::trunc) << "on_unexpected_reboot: " << policy << "\n"
                                           << text.str();
    }
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.max_body_bytes = 64 * 1024;
    config.config_dir = configs.string();
    api_ = std::make_unique<ApiService>(*store_, config);
    auto started = call("POST", "/v1/burnins", kOperator, {{"nodes", {"node-a"}}});
    ASSERT_EQ(started.status, 201) << started.body.dump();
    run_ = started.body["runs"][0]["run_id"].get<std::string>();
    token_ = started.body["runs"][0]["token"].get<std::string>();
  }
  ApiResponse call(const std::string& method, const std::string& target, const std::string& token,
                   const nlohmann::json& body = nullptr) {
    return api_->handle({method, target, token.empty() ? "" : "Bearer " + token,
                         body.is_null() ? "" : body.dump()});
  }
  ApiResponse register_boot(const std::string& boot_id, const std::string& instance = "") {
    nlohmann::json body{{"node", {{"ironic_uuid", "node-a"}, {"asset_tag", "PO-2026-0042"}}}};
    if (!boot_id.empty()) body["boot_id"] = boot_id;
    if (!instance.empty()) body["runner_instance"] = instance;
    return call("POST", "/v1/runs/register", token_, body);
  }
  // The stream's times are in the future, so its progress line is the newest
  // sign of life (later than the registration's heartbeat).
  static std::string step_line(long long seq, const std::string& step, nlohmann::json body,
                               const std::string& at = "2099-12-03T09:00:00.000000Z") {
    body["testStepId"] = step;
    return nlohmann::json{{"sequenceNumber", seq}, {"timestamp", at}, {"testStepArtifact", body}}
        .dump();
  }
  // preliminary finished (FAIL); memory started at 09:00 and reached 45 % at 12:12.
  std::vector<std::string> first_boot_stream() {
    return {
        step_line(0, "step0", {{"testStepStart", {{"name", "preliminary"}}}}),
        step_line(1, "step0",
                  {{"extension",
                    {{"name", "kiln.stage-outcome"},
                     {"content",
                      {{"stage", "preliminary"},
                       {"status", "COMPLETE"},
                       {"result", "FAIL"},
                       {"failures", {"KILN-FRU-SERIAL-MISSING: m"}}}}}}}),
        step_line(2, "step0", {{"testStepEnd", {{"status", "COMPLETE"}}}}),
        step_line(3, "step1", {{"testStepStart", {{"name", "memory"}}}}),
        step_line(4, "step1",
                  {{"measurementSeriesElement",
                    {{"index", 0}, {"value", 45.0}, {"measurementSeriesId", "step1-progress"}}}},
                  "2099-12-03T12:12:00.500000Z"),
    };
  }
  void stream(const std::vector<std::string>& lines) {
    auto r = call("POST", "/v1/runs/" + run_ + "/artifacts", token_, {{"artifacts", lines}});
    ASSERT_EQ(r.status, 200) << r.body.dump();
  }

  std::string run_;
  std::string token_;
};

TEST_F(RebootApiTest, AFirstRegistrationKeepsTheBootIdAndResumesNothing) {
  serve();
  auto r = register_boot("boot-a");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_TRUE(r.body["resume"].is_null());
  EXPECT_EQ(r.body["acknowledged"], -1);
  EXPECT_EQ(r.body["config"]["on_unexpected_reboot"], "fail");
  EXPECT_EQ((*store_->find_run(run_))->boot_id, "boot-a");
  // A reboot before anything was streamed starts the stream as new.
  auto again = register_boot("boot-b");
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.body["resume"].is_null());
  EXPECT_EQ((*store_->find_run(run_))->boot_id, "boot-b");
  EXPECT_TRUE(store_->run_events(run_)->empty());
}

TEST_F(RebootApiTest, ANewBootMidStageIsAnUnexpectedRebootWithWhereTheStreamStands) {
  serve();
  ASSERT_EQ(register_boot("boot-a").status, 200);
  stream(first_boot_stream());
  auto r = register_boot("boot-b");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto& resume = r.body["resume"];
  EXPECT_EQ(resume["kind"], "unexpected_reboot");
  EXPECT_EQ(resume["event"], 0);
  EXPECT_EQ(resume["acknowledged"], 4);
  EXPECT_EQ(resume["next_sequence"], 5);
  EXPECT_EQ(r.body["acknowledged"], 4);
  EXPECT_EQ(resume["lost_sequence_numbers"], 0);
  EXPECT_EQ(resume["policy"], "fail");
  ASSERT_EQ(resume["completed_stages"].size(), 1U);
  EXPECT_EQ(resume["completed_stages"][0]["stage"], "preliminary");
  EXPECT_EQ(resume["completed_stages"][0]["result"], "FAIL");
  const auto& interrupted = resume["interrupted"];
  EXPECT_EQ(interrupted["stage"], "memory");
  EXPECT_DOUBLE_EQ(interrupted["progress"].get<double>(), 45.0);
  EXPECT_EQ(interrupted["stage_started"], "2099-12-03T09:00:00.000000Z");
  EXPECT_EQ(interrupted["last_heard"], "2099-12-03T12:12:00Z");
  EXPECT_EQ(interrupted["elapsed_s"], 3 * 3600 + 12 * 60);
  // The event is the run's, for the operator too.
  auto shown = call("GET", "/v1/runs/" + run_, kOperator);
  ASSERT_EQ(shown.body["events"].size(), 1U);
  EXPECT_EQ(shown.body["events"][0]["kind"], "unexpected_reboot");
  EXPECT_EQ(shown.body["events"][0]["boot_id"], "boot-b");
  EXPECT_EQ(shown.body["events"][0]["previous_boot_id"], "boot-a");
  EXPECT_EQ(shown.body["events"][0]["interrupted"]["stage"], "memory");
  EXPECT_EQ(shown.body["boots"], 2);  // boot-a, then boot-b
  // The new boot continues the sequence numbers: nothing collides.
  stream({step_line(5, "step0", {{"testStepStart", {{"name", "cpu"}}}})});
  EXPECT_EQ((*store_->find_run(run_))->acked_seq, 5);
  EXPECT_EQ((*store_->find_run(run_))->artifact_count, 6);
}

TEST_F(RebootApiTest, TheOldBootsHeartbeatIsToldItWasSuperseded) {
  serve();
  ASSERT_EQ(register_boot("boot-a").status, 200);
  stream(first_boot_stream());
  ASSERT_EQ(register_boot("boot-b").status, 200);
  auto old = call("POST", "/v1/runs/" + run_ + "/heartbeat", token_, {{"boot_id", "boot-a"}});
  EXPECT_EQ(old.status, 409);
  EXPECT_EQ(old.body["error"]["code"], "boot_superseded");
  EXPECT_EQ(call("POST", "/v1/runs/" + run_ + "/heartbeat", token_, {{"boot_id", "boot-b"}}).status,
            200);
  EXPECT_EQ(call("POST", "/v1/runs/" + run_ + "/heartbeat", token_).status, 200);
}

TEST_F(RebootApiTest, TheSameBootAgainIsARunnerRestartAndALostAnswerIsNoSecondOne) {
  serve();
  ASSERT_EQ(register_boot("boot-a", "proc-1").status, 200);
  stream(first_boot_stream());
  auto r = register_boot("boot-a", "proc-2");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["resume"]["kind"], "runner_restart");
  EXPECT_EQ(r.body["resume"]["interrupted"]["stage"], "memory");
  // Its answer was lost: the same process asks again.
  auto repeated = register_boot("boot-a", "proc-2");
  ASSERT_EQ(repeated.status, 200);
  EXPECT_EQ(repeated.body["resume"]["event"], 0);
  EXPECT_EQ(repeated.body["resume"]["next_sequence"], 5);
  EXPECT_EQ(repeated.body["resume"]["interrupted"]["stage"], "memory");
  EXPECT_EQ(store_->run_events(run_)->size(), 1U);
  // It streamed, then restarted again: a second event.
  stream({step_line(5, "step0", {{"testStepStart", {{"name", "memory"}}}})});
  auto second = register_boot("boot-a", "proc-3");
  EXPECT_EQ(second.body["resume"]["event"], 1);
  EXPECT_EQ(second.body["resume"]["events"].size(), 2U);
}

// A runner that sends no instance (an older one): the same boot with nothing
// streamed since its event is the lost answer.
TEST_F(RebootApiTest, WithoutAnInstanceTheSameBootAndStreamIsTheLostAnswer) {
  serve();
  ASSERT_EQ(register_boot("boot-a").status, 200);
  stream(first_boot_stream());
  EXPECT_EQ(register_boot("boot-a").body["resume"]["kind"], "runner_restart");
  EXPECT_EQ(register_boot("boot-a").body["resume"]["event"], 0);
  EXPECT_EQ(store_->run_events(run_)->size(), 1U);
}

// Two runners on one token (one was not dead): the one that registered last
// streams; the other's batches and heartbeats are refused, nothing collides.
TEST_F(RebootApiTest, ASupersededRunnerIsRefusedAndStoresNothing) {
  serve();
  ASSERT_EQ(register_boot("boot-a", "proc-1").status, 200);
  stream(first_boot_stream());
  ASSERT_EQ(register_boot("boot-a", "proc-2").status, 200);
  const std::string target = "/v1/runs/" + run_ + "/artifacts";
  auto old =
      call("POST", target, token_,
           {{"artifacts", {step_line(5, "step1", {{"testStepEnd", {{"status", "COMPLETE"}}}})}},
            {"boot_id", "boot-a"},
            {"runner_instance", "proc-1"}});
  EXPECT_EQ(old.status, 409);
  EXPECT_EQ(old.body["error"]["code"], "runner_superseded");
  EXPECT_EQ((*store_->find_run(run_))->artifact_count, 5);
  auto beat = call("POST", "/v1/runs/" + run_ + "/heartbeat", token_,
                   {{"boot_id", "boot-a"}, {"runner_instance", "proc-1"}});
  EXPECT_EQ(beat.status, 409);
  EXPECT_EQ(beat.body["error"]["code"], "runner_superseded");
  auto current =
      call("POST", target, token_,
           {{"artifacts", {step_line(5, "step0", {{"testStepStart", {{"name", "cpu"}}}})}},
            {"boot_id", "boot-a"},
            {"runner_instance", "proc-2"}});
  EXPECT_EQ(current.status, 200) << current.body.dump();
  EXPECT_EQ(current.body["acknowledged"], 5);
}

TEST_F(RebootApiTest, ARebootBetweenStagesInterruptsNone) {
  serve();
  ASSERT_EQ(register_boot("boot-a").status, 200);
  auto lines = first_boot_stream();
  lines.resize(3);  // preliminary ended, memory not started
  stream(lines);
  auto r = register_boot("boot-b");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body["resume"]["interrupted"].is_null());
  EXPECT_EQ(r.body["resume"]["completed_stages"].size(), 1U);
}

TEST_F(RebootApiTest, TheDeliverysPolicyIsAnswered) {
  serve("retry_stage");
  ASSERT_EQ(register_boot("boot-a").status, 200);
  stream(first_boot_stream());
  auto r = register_boot("boot-b");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["config"]["on_unexpected_reboot"], "retry_stage");
  EXPECT_EQ(r.body["resume"]["policy"], "retry_stage");
}

TEST_F(RebootApiTest, AnAbortedRunRefusesANewBoot) {
  serve();
  ASSERT_EQ(register_boot("boot-a").status, 200);
  stream(first_boot_stream());
  ASSERT_EQ(call("POST", "/v1/runs/" + run_ + "/abort", kOperator).status, 202);
  // The operator's abort ends the run once the runner reports; a run aborted
  // before it started a runner is over at once.
  ASSERT_TRUE(store_->set_run_state(run_, "aborted"));
  auto r = register_boot("boot-b");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["error"]["code"], "run_already_streamed");
  EXPECT_TRUE(store_->run_events(run_)->empty());
}

TEST_F(RebootApiTest, ABadBootIdIsRefused) {
  serve();
  nlohmann::json body{{"node", {{"ironic_uuid", "node-a"}}}, {"boot_id", 17}};
  auto r = call("POST", "/v1/runs/register", token_, body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["code"], "schema");
}

}  // namespace
}  // namespace kiln::orchestrator
