// The API without a socket: ApiService on a SQLite store in a temp dir.
#include "kiln_test_paths.hpp"
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/api_service.hpp"
#include "api/tokens.hpp"

#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

class ApiTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-api");
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.port = 8480;
    config.max_body_bytes = 64 * 1024;
    config.max_batch_lines = 100;
    config.config_dir = KILN_SOURCE_DIR "/configs";
    api_ = std::make_unique<ApiService>(*store_, config);
  }
  ApiResponse call(const std::string& method, const std::string& target, const std::string& token,
                   const nlohmann::json& body = nullptr) {
    return api_->handle({method, target, token.empty() ? "" : "Bearer " + token,
                         body.is_null() ? "" : body.dump()});
  }
  // Starts a burn-in of `node`; returns {run id, token}.
  std::pair<std::string, std::string> start(const std::string& node) {
    auto r = call("POST", "/v1/burnins", kOperator, {{"nodes", {node}}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return {r.body["runs"][0]["run_id"].get<std::string>(),
            r.body["runs"][0]["token"].get<std::string>()};
  }
  static nlohmann::json node_body(const std::string& uuid) {
    return {{"node",
             {{"ironic_uuid", uuid},
              {"asset_tag", "PO-2026-0042"},
              {"serial", "S1"},
              {"dmi_serial", "S1"},
              {"macs", {"52:54:00:12:34:56"}}}}};
  }
  static std::string artifact(long long seq) {
    return nlohmann::json{{"sequenceNumber", seq},
                          {"timestamp", "2026-11-21T10:00:00Z"},
                          {"testRunArtifact", {{"log", {{"severity", "INFO"}, {"message", "x"}}}}}}
        .dump();
  }
  long long stored_artifacts(const std::string& run) {
    return (*store_->find_run(run))->artifact_count;
  }
};

TEST_F(ApiTest, RegisterReturnsRunIdConfigAndDirective) {
  auto [run, token] = start("node-a");
  auto r = call("POST", "/v1/runs/register", token, node_body("node-a"));
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["run_id"], run);
  EXPECT_EQ(r.body["config"]["delivery"], "PO-2026-0042");
  EXPECT_EQ(r.body["directive"]["action"], "continue");
  EXPECT_EQ(r.body["directive"]["destructive_go_ahead"], true);
  auto node = call("GET", "/v1/nodes/node-a", kOperator);
  ASSERT_EQ(node.status, 200);
  EXPECT_EQ(node.body["asset_tag"], "PO-2026-0042");
  EXPECT_EQ(node.body["latest_run"]["state"], "registered");
}

// Without a boot id a second runner cannot be told apart from a restart or a
// reboot (reboot_api_test.cpp): its sequence numbers would collide.
TEST_F(ApiTest, ARunnerWithoutBootIdOnAStreamedRunIsRefused) {
  auto [run, token] = start("node-a");
  ASSERT_EQ(call("POST", "/v1/runs/register", token, node_body("node-a")).status, 200);
  ASSERT_EQ(call("POST", "/v1/runs/register", token, node_body("node-a")).status,
            200);  // a lost answer
  ASSERT_EQ(
      call("POST", "/v1/runs/" + run + "/artifacts", token, {{"artifacts", {artifact(0)}}}).status,
      200);
  auto again = call("POST", "/v1/runs/register", token, node_body("node-a"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"]["code"], "run_already_streamed");
  EXPECT_EQ(stored_artifacts(run), 1);
}

// A reported run is over, whatever boot registers on it.
TEST_F(ApiTest, AReportedRunRefusesEveryRegistration) {
  auto [run, token] = start("node-a");
  auto body = node_body("node-a");
  body["boot_id"] = "boot-a";
  ASSERT_EQ(call("POST", "/v1/runs/register", token, body).status, 200);
  ASSERT_EQ(
      call("POST", "/v1/runs/" + run + "/artifacts", token, {{"artifacts", {artifact(0)}}}).status,
      200);
  ASSERT_EQ(call("POST", "/v1/runs/" + run + "/report", token,
                 {{"verdict", "PASS"}, {"failures", nlohmann::json::array()}})
                .status,
            200);
  for (const char* boot : {"boot-a", "boot-b"}) {
    body["boot_id"] = boot;
    auto again = call("POST", "/v1/runs/register", token, body);
    EXPECT_EQ(again.status, 409) << boot;
    EXPECT_EQ(again.body["error"]["code"], "run_already_streamed") << boot;
  }
  EXPECT_TRUE(store_->run_events(run)->empty());
}

TEST_F(ApiTest, UnauthenticatedRequestsAreRefused) {
  auto [run, token] = start("node-a");
  EXPECT_EQ(call("POST", "/v1/runs/register", "", node_body("node-a")).status, 401);
  EXPECT_EQ(call("POST", "/v1/runs/register", "forged", node_body("node-a")).status, 403);
  auto artifacts =
      call("POST", "/v1/runs/" + run + "/artifacts", "", {{"artifacts", {artifact(0)}}});
  EXPECT_EQ(artifacts.status, 401);
  EXPECT_EQ(artifacts.body["error"]["code"], "unauthenticated");
  EXPECT_EQ(call("GET", "/v1/runs", "").status, 401);
  EXPECT_EQ(call("GET", "/v1/runs", "wrong-operator-token").status, 401);
  EXPECT_EQ(call("GET", "/v1/runs", token).status, 401);  // a node token is no operator token
  EXPECT_EQ(call("POST", "/v1/burnins", "", {{"nodes", {"node-b"}}}).status, 401);
  EXPECT_EQ(stored_artifacts(run), 0);
}

TEST_F(ApiTest, ATokenCannotWriteAnotherNodesRun) {
  auto [run_a, token_a] = start("node-a");
  auto [run_b, token_b] = start("node-b");
  EXPECT_EQ(call("POST", "/v1/runs/register", token_a, node_body("node-b")).status, 403);
  auto r =
      call("POST", "/v1/runs/" + run_b + "/artifacts", token_a, {{"artifacts", {artifact(0)}}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(call("POST", "/v1/runs/" + run_b + "/report", token_a,
                 {{"verdict", "PASS"}, {"failures", nlohmann::json::array()}})
                .status,
            403);
  EXPECT_EQ(call("POST", "/v1/runs/run-unknown/heartbeat", token_a).status, 403);
  EXPECT_EQ(stored_artifacts(run_b), 0);
  EXPECT_TRUE((*store_->find_run(run_b))->verdict.empty());
}

TEST_F(ApiTest, MalformedAndSchemaViolatingBatchesStoreNothing) {
  auto [run, token] = start("node-a");
  const std::string target = "/v1/runs/" + run + "/artifacts";
  auto raw = api_->handle({"POST", target, "Bearer " + token, "{\"artifacts\": [\"x\""});
  EXPECT_EQ(raw.status, 400);
  EXPECT_EQ(raw.body["error"]["code"], "malformed");
  EXPECT_EQ(call("POST", target, token, {{"lines", nlohmann::json::array()}}).status, 400);
  // One bad line refuses the whole batch: the good one before it is not stored.
  EXPECT_EQ(
      call("POST", target, token, {{"artifacts", {artifact(0), "{\"timestamp\":\"t\"}"}}}).status,
      400);
  EXPECT_EQ(call("POST", target, token, {{"artifacts", {artifact(0), 17}}}).status, 400);
  EXPECT_EQ(
      call("POST", target, token,
           {{"artifacts", {nlohmann::json{{"sequenceNumber", -1}, {"timestamp", "t"}}.dump()}}})
          .status,
      400);
  EXPECT_EQ(stored_artifacts(run), 0);
  EXPECT_EQ(
      call("POST", "/v1/runs/" + run + "/report", token, {{"verdict", "MAYBE"}, {"failures", {}}})
          .status,
      400);
  EXPECT_TRUE((*store_->find_run(run))->verdict.empty());
}

TEST_F(ApiTest, OversizedRequestsAreRefused) {
  auto [run, token] = start("node-a");
  std::string huge(70 * 1024, 'x');
  auto r = call("POST", "/v1/runs/" + run + "/artifacts", token, {{"artifacts", {huge}}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body["error"]["code"], "body_too_large");
  std::vector<std::string> many;
  for (int i = 0; i < 101; ++i) many.push_back(artifact(i));
  EXPECT_EQ(call("POST", "/v1/runs/" + run + "/artifacts", token, {{"artifacts", many}}).status,
            413);
  EXPECT_EQ(stored_artifacts(run), 0);
}

TEST_F(ApiTest, AReplayedBatchIsStoredOnce) {
  auto [run, token] = start("node-a");
  const std::string target = "/v1/runs/" + run + "/artifacts";
  auto first =
      call("POST", target, token, {{"artifacts", {artifact(0), artifact(1), artifact(2)}}});
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["acknowledged"], 2);
  EXPECT_EQ(first.body["stored"], 3);
  auto replay =
      call("POST", target, token, {{"artifacts", {artifact(0), artifact(1), artifact(2)}}});
  EXPECT_EQ(replay.body["acknowledged"], 2);
  EXPECT_EQ(replay.body["stored"], 0);
  EXPECT_EQ(stored_artifacts(run), 3);
  auto listed = call("GET", target, kOperator);
  EXPECT_EQ(listed.body["artifacts"].size(), 3U);
}

TEST_F(ApiTest, LiveStageAndProgressComeFromTheArtifacts) {
  auto [run, token] = start("node-a");
  nlohmann::json step_start{
      {"sequenceNumber", 0},
      {"timestamp", "t"},
      {"testStepArtifact", {{"testStepId", "step0"}, {"testStepStart", {{"name", "memory"}}}}}};
  nlohmann::json element{
      {"sequenceNumber", 1},
      {"timestamp", "t"},
      {"testStepArtifact",
       {{"testStepId", "step0"},
        {"measurementSeriesElement",
         {{"index", 0}, {"value", 37.5}, {"measurementSeriesId", "step0-progress"}}}}}};
  ASSERT_EQ(call("POST", "/v1/runs/" + run + "/artifacts", token,
                 {{"artifacts", {step_start.dump(), element.dump()}}})
                .status,
            200);
  auto shown = call("GET", "/v1/runs/" + run, kOperator);
  EXPECT_EQ(shown.body["stage"], "memory");
  EXPECT_DOUBLE_EQ(shown.body["progress"].get<double>(), 37.5);
}

TEST_F(ApiTest, ReportAbortAndDeliverySummary) {
  auto [run, token] = start("node-a");
  ASSERT_EQ(call("POST", "/v1/runs/register", token, node_body("node-a")).status, 200);
  EXPECT_EQ(call("POST", "/v1/burnins", kOperator, {{"nodes", {"node-a"}}}).status,
            409);  // still running
  EXPECT_EQ(call("POST", "/v1/runs/" + run + "/abort", kOperator).status, 202);
  auto directive = call("GET", "/v1/runs/" + run + "/directive", token);
  EXPECT_EQ(directive.body["action"], "abort");
  EXPECT_EQ(directive.body["destructive_go_ahead"], false);
  nlohmann::json report{{"verdict", "FAIL"},
                        {"failures", {"disk S3Z9NX0K: 12 reallocated sectors"}},
                        {"stages", {{{"name", "disk"}, {"verdict", "FAIL"}}}}};
  auto stored = call("POST", "/v1/runs/" + run + "/report", token, report);
  ASSERT_EQ(stored.status, 200) << stored.body.dump();
  EXPECT_EQ(call("POST", "/v1/runs/" + run + "/report", token, report).body["stored"], false);
  auto summary = call("GET", "/v1/deliveries/PO-2026-0042", kOperator);
  ASSERT_EQ(summary.status, 200);
  EXPECT_EQ(summary.body["failed"], 1);
  EXPECT_EQ(summary.body["node_list"][0]["run"]["failures"][0],
            "disk S3Z9NX0K: 12 reallocated sectors");
  EXPECT_EQ(call("GET", "/v1/deliveries", kOperator).body["deliveries"].size(), 1U);
  EXPECT_EQ(call("POST", "/v1/burnins", kOperator, {{"delivery", "PO-2026-0042"}}).status, 201);
  EXPECT_EQ(call("GET", "/v1/runs/" + run + "/report", kOperator).body["verdict"], "FAIL");
}

// Ironic's messages can echo a URL with credentials or a node's kiln.token: the run's
// ironic_error never shows them to an API client (viewers included).
TEST_F(ApiTest, IronicErrorsAreShownWithoutSecrets) {
  auto [run, token] = start("node-a");
  ASSERT_TRUE(store_->set_driver_state(
      run, "failed",
      "POST https://kiln:s3cret-pass@ironic.example:6385/v1/nodes: kernel params kiln.token=" +
          token + " refused"));
  auto shown = call("GET", "/v1/runs/" + run, kOperator);
  ASSERT_EQ(shown.status, 200) << shown.body.dump();
  auto error = shown.body["ironic_error"].get<std::string>();
  EXPECT_EQ(error.find("s3cret-pass"), std::string::npos) << error;
  EXPECT_EQ(error.find(token), std::string::npos) << error;
  EXPECT_NE(error.find("ironic.example:6385/v1/nodes"), std::string::npos) << error;
  EXPECT_NE(error.find("<redacted>"), std::string::npos) << error;
}

TEST_F(ApiTest, UnknownRoutesAndBadStartsAre4xx) {
  EXPECT_EQ(call("GET", "/v2/runs", kOperator).status, 404);
  EXPECT_EQ(call("GET", "/v1/nothing", kOperator).status, 404);
  EXPECT_EQ(call("POST", "/v1/burnins", kOperator, {{"nodes", {"bad id!"}}}).status, 400);
  EXPECT_EQ(call("POST", "/v1/burnins", kOperator, {{"delivery", "PO-unknown"}}).status, 404);
  EXPECT_EQ(call("GET", "/v1/runs/run-x", kOperator).status, 404);
}

TEST(Tokens, AreRandomHashedAndComparedSafely) {
  auto a = random_token();
  EXPECT_EQ(a.size(), 64U);
  EXPECT_NE(a, random_token());
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_EQ(bearer_token("Bearer xyz"), "xyz");
  EXPECT_FALSE(bearer_token("Basic xyz"));
}

}  // namespace
}  // namespace kiln::orchestrator
