// The route table and what the API answers off it: odd paths, every endpoint
// with every method, with no token, a runner token and the operator token.
// Each answer is JSON, none is a 5xx, and nothing is stored.
#include <gtest/gtest.h>

#include <set>

#include "api/api_service.hpp"
#include "api/route_table.hpp"
#include "api/routes.hpp"
#include "kiln_test_paths.hpp"
#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

TEST(PathSegments, SplitsAndRefusesEmptySegments) {
  auto s = path_segments("/v1/runs/run-1/report?x=/y");
  ASSERT_TRUE(s);
  EXPECT_EQ((std::vector<std::string_view>{"v1", "runs", "run-1", "report"}), *s);
  EXPECT_FALSE(path_segments(""));
  EXPECT_FALSE(path_segments("v1"));
  EXPECT_FALSE(path_segments("/"));
  EXPECT_FALSE(path_segments("//"));
  EXPECT_FALSE(path_segments("/v1/"));
  EXPECT_FALSE(path_segments("/v1//runs"));
  EXPECT_FALSE(path_segments("?/v1"));
}

TEST(PathParameter, RefusesWhatNoIdOrTagHolds) {
  EXPECT_FALSE(refuse_path_parameter("run-0123abcd"));
  EXPECT_FALSE(refuse_path_parameter("PO-2026-0042"));
  EXPECT_FALSE(refuse_path_parameter("6d3a0b2e-4f7c-4d0e-9a51-0c1f7e2b9d44"));
  EXPECT_TRUE(refuse_path_parameter(""));
  EXPECT_TRUE(refuse_path_parameter("."));
  EXPECT_TRUE(refuse_path_parameter(".."));
  EXPECT_TRUE(refuse_path_parameter("a%00b"));
  EXPECT_TRUE(refuse_path_parameter(std::string("a\0b", 3)));
  EXPECT_TRUE(refuse_path_parameter("a b"));
  EXPECT_TRUE(refuse_path_parameter(std::string(129, 'a')));
  EXPECT_FALSE(refuse_path_parameter(std::string(128, 'a')));
}

ApiResponse only(ApiCall&) { return ApiResponse{200, {{"hit", true}}}; }

TEST(MatchRoute, MethodAndPathOrTheMethodsThePathTakes) {
  const std::array<Route, 3> table{Route{"GET", "/v1/runs/{run}", Access::open, only},
                                   Route{"POST", "/v1/runs/register", Access::open, only},
                                   Route{"POST", "/v1/runs/{run}/abort", Access::open, only}};
  auto m = match_route(table, "GET", "/v1/runs/run-7?verbose=1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.get("run"), "run-7");
  EXPECT_EQ(m.params.get("node"), "");
  m = match_route(table, "POST", "/v1/runs/register");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/runs/register");
  m = match_route(table, "DELETE", "/v1/runs/run-7/abort");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string_view>{"POST"}));
  m = match_route(table, "GET", "/v1/runs/run-7/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

class RoutesTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-routes");
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.max_body_bytes = 64 * 1024;
    config.config_dir = KILN_SOURCE_DIR "/configs";
    api_ = std::make_unique<ApiService>(*store_, config);
    auto key = signature::generate_key();  // decommission endpoints answer as in production
    ASSERT_TRUE(key);
    api_->set_signing_key(*key);
    auto started = call("POST", "/v1/burnins", kOperator, R"({"nodes": ["node-a"]})");
    ASSERT_EQ(started.status, 201) << started.body.dump();
    run_ = started.body["runs"][0]["run_id"].get<std::string>();
    runner_token_ = started.body["runs"][0]["token"].get<std::string>();
  }
  ApiResponse call(const std::string& method, const std::string& target, const std::string& token,
                   const std::string& body = "") {
    return api_->handle({method, target, token.empty() ? "" : "Bearer " + token, body});
  }
  // What the store holds: runs, nodes and artifacts.
  std::tuple<std::size_t, std::size_t, long long> stored() {
    auto runs = store_->list_runs();
    auto nodes = store_->list_nodes();
    long long artifacts = 0;
    for (const auto& r : *runs) artifacts += r.artifact_count;
    return {runs->size(), nodes->size(), artifacts};
  }
  // Every answer is a JSON refusal or answer with an error object when 4xx; never 5xx.
  void expect_answered(const ApiResponse& r, const std::string& what) {
    EXPECT_LT(r.status, 500) << what << ": " << r.body.dump();
    EXPECT_GE(r.status, 200) << what;
    if (r.status >= 400) {
      EXPECT_TRUE(r.body.contains("error")) << what << ": " << r.body.dump();
      EXPECT_TRUE(r.body["error"].contains("code")) << what;
    }
  }
  std::string run_;
  std::string runner_token_;
};

// The crash of issue #18: the operator token on "/v1" and "/v1//" read path[1]
// of a one-element path.
TEST_F(RoutesTest, OperatorTokenOnV1AloneIsA404NotACrash) {
  for (const std::string target : {"/v1", "/v1/", "/v1//", "/v1//runs"}) {
    auto r = call("GET", target, kOperator);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body.dump();
    EXPECT_EQ(r.body["error"]["code"], "not_found") << target;
  }
}

TEST_F(RoutesTest, OddPathsAreJson4xxWithEveryToken) {
  const std::vector<std::string> targets{
      "", "/", "//", "///", "/v1", "/v1/", "/v1//", "/v2/runs", "v1/runs", "/v1/runs/",
      "/v1/runs//report", "/v1/%00", "/v1/runs/%00", "/v1/runs/%00/report",
      std::string("/v1/runs/a\0b", 12), "/v1/..", "/v1/runs/..", "/v1/runs/../runs",
      "/v1/runs/./report", "/v1/nodes/../../etc/passwd", "/v1/runs/" + std::string(8192, 'a'),
      "/" + std::string(8192, '/'), "/v1/deliveries/a b/summary", "/v1/runs/register/extra",
      "?", "/v1?x", "*", "http://example.com/v1/runs", "/v1/runs/" + run_ + "/artifacts/x"};
  const auto before = stored();
  for (const auto& token : {std::string(), runner_token_, std::string(kOperator)}) {
    for (const auto& target : targets) {
      for (const std::string method : {"GET", "POST", "PUT", "DELETE", "HEAD", ""}) {
        auto r = call(method, target, token, "{}");
        expect_answered(r, method + " " + target.substr(0, 60));
        EXPECT_GE(r.status, 400) << method << " " << target.substr(0, 60);
      }
    }
  }
  EXPECT_EQ(before, stored());
}

// Every endpoint of the table, every method, every token, odd parameters and
// empty bodies: 2xx only where the table says so, never a 5xx, nothing stored.
TEST_F(RoutesTest, EveryEndpointWithEveryMethodAndToken) {
  const auto before = stored();
  const std::vector<std::string> values{run_, "run-0000000000000000", "..", "%2e%2e",
                                        std::string(300, 'x'), "PO-2026-0042", "node-a"};
  std::set<std::string> patterns;
  for (const auto& route : api_routes()) patterns.insert(std::string(route.pattern));
  for (const auto& pattern : patterns) {
    for (const auto& value : values) {
      std::string target = pattern;
      for (const char* name : {"{run}", "{node}", "{delivery}"}) {
        if (auto at = target.find(name); at != std::string::npos)
          target.replace(at, std::string_view(name).size(), value);
      }
      for (const auto& token : {std::string(), runner_token_, std::string(kOperator)}) {
        for (const std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
          for (const std::string body : {"", "{}", "[", "null"}) {
            auto r = call(method, target, token, body);
            const std::string what = method + " " + target.substr(0, 60) + " body " + body;
            expect_answered(r, what);
            if (method != "GET" && method != "POST") {
              EXPECT_EQ(r.status, 405) << what;
              bool has_allow = false;
              for (const auto& [name, v] : r.headers) has_allow = has_allow || name == "Allow";
              EXPECT_TRUE(has_allow) << what;
            }
          }
        }
      }
    }
  }
  // Heartbeats are writes, but not of runs, nodes or artifacts.
  EXPECT_EQ(before, stored());
}

TEST_F(RoutesTest, ParametersAreCheckedBeforeAccess) {
  auto r = call("GET", "/v1/runs/" + std::string(200, 'x'), "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["code"], "bad_path_parameter");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("{run}"), std::string::npos);
  // A well-formed run id without a token: the access check answers.
  EXPECT_EQ(call("GET", "/v1/runs/" + run_, "").status, 401);
  EXPECT_EQ(call("GET", "/v1/runs/" + run_, kOperator).status, 200);
}

TEST_F(RoutesTest, RunnerTokenDoesNotOpenOperatorEndpoints) {
  EXPECT_EQ(call("GET", "/v1/runs", runner_token_).status, 401);
  EXPECT_EQ(call("POST", "/v1/runs/" + run_ + "/abort", runner_token_).status, 401);
  EXPECT_EQ(call("GET", "/v1/runs/" + run_ + "/directive", runner_token_).status, 200);
  EXPECT_EQ(call("GET", "/v1/runs/" + run_ + "/directive", kOperator).status, 403);
}

}  // namespace
}  // namespace kiln::orchestrator
