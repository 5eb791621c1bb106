// GET /v1/nodes and GET /v1/deliveries/{tag} in keyset pages (?limit=&after=):
// ApiService on a SQLite store, with and without the kept delivery views.
#include <gtest/gtest.h>

#include "api/api_service.hpp"
#include "api/node_lists.hpp"
#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

class NodePagingTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-paging");
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.port = 8480;
    api_ = std::make_unique<ApiService>(*store_, config);
    // Seven nodes: node-0..node-4 in PO-1, node-5 and node-6 in PO-2; a burn-in
    // of node-1 and node-5.
    for (int i = 0; i < 7; ++i) {
      const std::string uuid = "node-" + std::to_string(i);
      ASSERT_TRUE(store_->upsert_node(
          {uuid, i < 5 ? "PO-1" : "PO-2", "S-" + std::to_string(i), "", {}, ""}));
    }
    ASSERT_EQ(get("POST", "/v1/burnins", {{"nodes", {"node-1", "node-5"}}}).status, 201);
  }
  ApiResponse get(const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr) {
    return api_->handle(
        {method, target, std::string("Bearer ") + kOperator, body.is_null() ? "" : body.dump()});
  }
  // Follows `next` from `first` (a target without ?after=); the UUIDs of
  // `list` in every page, and how many pages it took.
  std::pair<std::vector<std::string>, int> follow(const std::string& first, const char* list) {
    std::vector<std::string> uuids;
    std::string target = first;
    for (int pages = 1; pages < 20; ++pages) {
      auto page = get("GET", target);
      EXPECT_EQ(page.status, 200) << target << ": " << page.body.dump();
      if (page.status != 200) return {uuids, pages};
      // A kept view answers with its JSON text.
      const auto body = page.text.empty() ? page.body : nlohmann::json::parse(page.text);
      for (const auto& n : body[list]) uuids.push_back(n["uuid"].get<std::string>());
      if (!body.contains("next")) return {uuids, pages};
      target = first + "&after=" + body["next"].get<std::string>();
    }
    ADD_FAILURE() << "no last page after 20 pages of " << first;
    return {uuids, 20};
  }
};

TEST_F(NodePagingTest, NodesComeInPagesInUuidOrderEachWithItsLatestRun) {
  auto first = get("GET", "/v1/nodes?limit=3");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  ASSERT_EQ(first.body["nodes"].size(), 3U);
  EXPECT_EQ(first.body["next"], "node-2");
  EXPECT_EQ(first.body["nodes"][1]["latest_run"]["state"], "started");
  EXPECT_FALSE(first.body["nodes"][0].contains("latest_run"));
  auto [uuids, pages] = follow("/v1/nodes?limit=3", "nodes");
  EXPECT_EQ(uuids, (std::vector<std::string>{"node-0", "node-1", "node-2", "node-3", "node-4",
                                             "node-5", "node-6"}));
  EXPECT_EQ(pages, 3);
  auto last = get("GET", "/v1/nodes?limit=3&after=node-5");
  ASSERT_EQ(last.status, 200);
  ASSERT_EQ(last.body["nodes"].size(), 1U);
  EXPECT_EQ(last.body["nodes"][0]["uuid"], "node-6");
  EXPECT_FALSE(last.body.contains("next"));
  // The default page holds all seven; none after the last node.
  auto all = get("GET", "/v1/nodes");
  EXPECT_EQ(all.body["nodes"].size(), 7U);
  EXPECT_FALSE(all.body.contains("next"));
  EXPECT_TRUE(get("GET", "/v1/nodes?after=node-6").body["nodes"].empty());
}

TEST_F(NodePagingTest, ADeliveryPagesItsNodeTableAndCountsEveryNode) {
  auto first = get("GET", "/v1/deliveries/PO-1?limit=2");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["nodes"], 5);
  EXPECT_EQ(first.body["running"], 1);
  ASSERT_EQ(first.body["node_list"].size(), 2U);
  EXPECT_EQ(first.body["node_list"][1]["run"]["state"], "started");
  EXPECT_EQ(first.body["next"], "node-1");
  auto [uuids, pages] = follow("/v1/deliveries/PO-1?limit=2", "node_list");
  EXPECT_EQ(uuids, (std::vector<std::string>{"node-0", "node-1", "node-2", "node-3", "node-4"}));
  EXPECT_EQ(pages, 3);
  auto later = get("GET", "/v1/deliveries/PO-1?limit=2&after=node-3");
  EXPECT_EQ(later.body["nodes"], 5);  // the counts are the whole delivery's on every page
  EXPECT_EQ(later.body["running"], 1);
  EXPECT_FALSE(later.body.contains("next"));
  auto other = get("GET", "/v1/deliveries/PO-2");
  ASSERT_EQ(other.body["node_list"].size(), 2U);
  EXPECT_EQ(other.body["node_list"][0]["run"]["state"], "started");
  // The list of deliveries shows counts only.
  auto list = get("GET", "/v1/deliveries");
  ASSERT_EQ(list.body["deliveries"].size(), 2U);
  EXPECT_FALSE(list.body["deliveries"][0].contains("node_list"));
  EXPECT_EQ(list.body["deliveries"][1]["nodes"], 2);
}

TEST_F(NodePagingTest, KeptDeliveryViewsAreKeptPerPage) {
  api_->enable_read_cache();
  for (int round = 0; round < 2; ++round) {  // computed, then from the kept views
    auto [uuids, pages] = follow("/v1/deliveries/PO-1?limit=2", "node_list");
    EXPECT_EQ(uuids, (std::vector<std::string>{"node-0", "node-1", "node-2", "node-3", "node-4"}));
    EXPECT_EQ(pages, 3);
  }
}

TEST_F(NodePagingTest, AMalformedLimitOrCursorIsRefusedByName) {
  for (const char* path : {"/v1/nodes", "/v1/deliveries/PO-1"}) {
    for (const char* query :
         {"?limit=0", "?limit=5001", "?limit=ten", "?limit=", "?limit=-1", "?limit=99999999999"}) {
      auto r = get("GET", std::string(path) + query);
      EXPECT_EQ(r.status, 400) << path << query;
      EXPECT_EQ(r.body["error"]["code"], "bad_query");
      EXPECT_NE(r.body["error"]["message"].get<std::string>().find("limit="), std::string::npos)
          << r.body.dump();
    }
    for (const char* query : {"?after=..", "?after=a%2Fb", "?limit=2&after=node 1"}) {
      auto r = get("GET", std::string(path) + query);
      EXPECT_EQ(r.status, 400) << path << query;
      EXPECT_NE(r.body["error"]["message"].get<std::string>().find("after="), std::string::npos)
          << r.body.dump();
    }
    EXPECT_EQ(get("GET", std::string(path) + "?limit=5000").status, 200);
    EXPECT_EQ(get("GET", std::string(path) + "?after=").status, 200);  // from the first
  }
}

TEST(NodePageQuery, LimitAndCursorDefaults) {
  auto page = parse_node_page("/v1/nodes");
  ASSERT_TRUE(std::holds_alternative<NodePageQuery>(page));
  EXPECT_EQ(std::get<NodePageQuery>(page).limit, kDefaultPageLimit);
  EXPECT_EQ(std::get<NodePageQuery>(page).after, "");
  page = parse_node_page("/v1/nodes?after=node-9&limit=7");
  ASSERT_TRUE(std::holds_alternative<NodePageQuery>(page));
  EXPECT_EQ(std::get<NodePageQuery>(page).limit, 7U);
  EXPECT_EQ(std::get<NodePageQuery>(page).after, "node-9");
}

}  // namespace
}  // namespace kiln::orchestrator
