#include "agent/agent_api.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace kiln::runner::agent {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class AgentApiTest : public ::testing::Test {
 protected:
  AgentApiTest() {
    dispatcher.add("clean.get_clean_steps", false, [this](const json&) {
      ++ran;
      return CommandOutput::success({{"clean_steps", json::object()}});
    });
    dispatcher.add("clean.execute_clean_step", true, [this](const json& p) {
      ++ran;
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return CommandOutput::failure("step " + p["step"]["step"].get<std::string>() + " failed");
    });
    token.set("s3cret");
  }
  ~AgentApiTest() override { release.store(true); }

  HttpResponse call(const std::string& method, const std::string& target,
                    const json& body = nullptr) {
    return api.handle(parse_target(method, target, body.is_null() ? "" : body.dump()));
  }

  CommandLog log;
  CommandDispatcher dispatcher{log};
  AgentToken token;
  AgentApi api{log, dispatcher, token, "test"};
  std::atomic<int> ran{0};
  std::atomic<bool> release{false};
};

TEST(ParseTarget, QueryDecoded) {
  auto r = parse_target("POST", "/v1/commands/?wait=true&agent_token=a%2Bb+c", "{}");
  EXPECT_EQ(r.path, "/v1/commands/");
  EXPECT_EQ(r.query["wait"], "true");
  EXPECT_EQ(r.query["agent_token"], "a+b c");
}

TEST_F(AgentApiTest, CommandsNeedTheToken) {
  json body{{"name", "clean.get_clean_steps"}, {"params", json::object()}};
  for (const char* target : {"/v1/commands/?wait=true", "/v1/commands/?wait=true&agent_token=wrong",
                             "/v1/commands/?agent_token=", "/v1/commands/?agent_token=s3cre"}) {
    auto r = call("POST", target, body);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_THAT(r.body, HasSubstr("\"faultstring\"")) << "Ironic reads faultstring";
  }
  EXPECT_EQ(ran.load(), 0) << "nothing runs without the token";
  auto ok = call("POST", "/v1/commands/?wait=true&agent_token=s3cret", body);
  EXPECT_EQ(ok.status, 200);
  auto j = json::parse(ok.body);
  EXPECT_EQ(j["command_name"], "get_clean_steps");
  EXPECT_EQ(j["command_status"], "SUCCEEDED");
  EXPECT_TRUE(j["command_error"].is_null());
  token.clear();
  EXPECT_EQ(call("POST", "/v1/commands/?agent_token=s3cret", body).status, 401)
      << "a cleared token is no token";
}

TEST_F(AgentApiTest, ResultsLockOnceAGetCarriesAToken) {
  EXPECT_EQ(call("GET", "/v1/commands/").status, 200)
      << "Ironic 21.4 lists commands without a token";
  EXPECT_EQ(call("GET", "/v1/commands/?agent_token=wrong").status, 401);
  EXPECT_EQ(call("GET", "/v1/commands/").status, 401) << "locked after a GET carried a token";
  EXPECT_EQ(call("GET", "/v1/commands/?agent_token=s3cret").status, 200);
}

// Found by fuzz target agent-request: a command id that is not UTF-8 made the
// 404's JSON body throw (nlohmann type_error 316).
TEST_F(AgentApiTest, ACommandIdThatIsNotUtf8IsA404InJson) {
  auto r = call("GET", std::string("/v1/commands/\xf9\x0b?agent_token=s3cret"));
  EXPECT_EQ(r.status, 404);
  ASSERT_TRUE(json::accept(r.body)) << r.body;
  EXPECT_THAT(json::parse(r.body)["faultstring"].get<std::string>(), HasSubstr("\xef\xbf\xbd"))
      << "the byte shown as U+FFFD";
}

TEST_F(AgentApiTest, IpaErrorsForUnknownCommandsAndBusy) {
  auto post = [this](const std::string& name) {
    return call("POST", "/v1/commands/?agent_token=s3cret",
                json{{"name", name}, {"params", json::object()}});
  };
  auto unknown_ext = post("image.install_bootloader");
  EXPECT_EQ(unknown_ext.status, 404);
  EXPECT_THAT(unknown_ext.body, HasSubstr("Extension with id image not found"));
  auto unknown = post("clean.erase_devices");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("Unknown command: erase_devices"));
  EXPECT_EQ(post("nodot").status, 400);
  EXPECT_EQ(
      call("POST", "/v1/commands/?agent_token=s3cret", json{{"name", "clean.get_clean_steps"}})
          .status,
      400);
  EXPECT_EQ(
      api.handle(parse_target("POST", "/v1/commands/?agent_token=s3cret", "{not json")).status,
      400);

  auto started = call("POST", "/v1/commands/?agent_token=s3cret",
                      json{{"name", "clean.execute_clean_step"},
                           {"params", {{"step", {{"step", "kiln_burnin"}}}}}});
  ASSERT_EQ(started.status, 200);
  auto id = json::parse(started.body)["id"].get<std::string>();
  EXPECT_EQ(json::parse(started.body)["command_status"], "RUNNING");
  auto busy = post("clean.get_clean_steps");
  EXPECT_EQ(busy.status, 409);
  EXPECT_THAT(busy.body, HasSubstr("Agent is busy: executing command execute_clean_step"));

  release.store(true);
  auto done = json::parse(call("GET", "/v1/commands/" + id + "?wait=true").body);
  EXPECT_EQ(done["command_status"], "FAILED");
  EXPECT_EQ(done["command_error"]["details"], "step kiln_burnin failed");
  auto list = json::parse(call("GET", "/v1/commands/").body)["commands"];
  ASSERT_EQ(list.size(), 1U) << "refused commands are not listed";
  EXPECT_EQ(call("GET", "/v1/commands/nope").status, 404);
  EXPECT_EQ(call("DELETE", "/v1/commands/").status, 405);
  EXPECT_EQ(call("GET", "/v2/whatever").status, 404);
  EXPECT_EQ(call("GET", "/").status, 200);
}

// A new session (another cleaning or deployment) starts from an empty list, as a
// freshly booted agent: Ironic 21.4 waits for ever on an agent whose last
// command is not its current step's.
TEST_F(AgentApiTest, ForgetFinishedEmptiesTheListOnlyWhenNothingRuns) {
  auto started = call("POST", "/v1/commands/?agent_token=s3cret",
                      json{{"name", "clean.execute_clean_step"},
                           {"params", {{"step", {{"step", "kiln_burnin"}}}}}});
  ASSERT_EQ(started.status, 200);
  auto id = json::parse(started.body)["id"].get<std::string>();
  EXPECT_FALSE(log.forget_finished()) << "a running step is never forgotten";
  EXPECT_EQ(json::parse(call("GET", "/v1/commands/").body)["commands"].size(), 1U);
  release.store(true);
  log.wait(id);
  EXPECT_TRUE(log.forget_finished());
  EXPECT_TRUE(json::parse(call("GET", "/v1/commands/").body)["commands"].empty());
  EXPECT_EQ(call("GET", "/v1/commands/" + id).status, 404);
}

}  // namespace
}  // namespace kiln::runner::agent
