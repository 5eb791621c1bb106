// kilnctl follows "next" through every page of a list (kilnctl/paged_list.hpp).
#include <gtest/gtest.h>

#include <map>

#include "kilnctl/paged_list.hpp"

namespace kiln::orchestrator {
namespace {

// Answers by path; records the paths asked for.
struct FakePages {
  std::map<std::string, nlohmann::json> answers;
  std::vector<std::string> asked;
  PageFetch fetch() {
    return [this](const std::string& path) -> std::optional<nlohmann::json> {
      asked.push_back(path);
      auto it = answers.find(path);
      if (it == answers.end()) return std::nullopt;
      return it->second;
    };
  }
};

nlohmann::json page(std::initializer_list<const char*> uuids, const char* next = nullptr) {
  nlohmann::json list = nlohmann::json::array();
  for (const char* u : uuids) list.push_back({{"uuid", u}});
  nlohmann::json answer{{"nodes", list}};
  if (next != nullptr) answer["next"] = next;
  return answer;
}

TEST(KilnctlPagedList, FollowsNextToTheLastPageAndJoinsTheLists) {
  FakePages fake;
  fake.answers["/v1/nodes?limit=2"] = page({"a", "b"}, "b");
  fake.answers["/v1/nodes?limit=2&after=b"] = page({"c", "d"}, "d");
  fake.answers["/v1/nodes?limit=2&after=d"] = page({"e"});
  auto whole = fetch_all_pages("/v1/nodes?limit=2", "nodes", fake.fetch());
  ASSERT_TRUE(whole) << whole.error().message;
  ASSERT_TRUE(*whole);
  EXPECT_EQ(**whole, page({"a", "b", "c", "d", "e"}));
  EXPECT_EQ(fake.asked, (std::vector<std::string>{"/v1/nodes?limit=2", "/v1/nodes?limit=2&after=b",
                                                  "/v1/nodes?limit=2&after=d"}));
}

TEST(KilnctlPagedList, KeepsTheFirstAnswersOtherFields) {
  FakePages fake;
  auto first = page({"a"}, "a");
  first["tag"] = "PO-1";
  first["nodes_total"] = 2;
  fake.answers["/v1/deliveries/PO-1"] = first;
  fake.answers["/v1/deliveries/PO-1?after=a"] = page({"b"});
  auto whole = fetch_all_pages("/v1/deliveries/PO-1", "nodes", fake.fetch());
  ASSERT_TRUE(whole && *whole);
  EXPECT_EQ((**whole)["tag"], "PO-1");
  EXPECT_EQ((**whole)["nodes"].size(), 2U);
  EXPECT_FALSE((**whole).contains("next"));
}

TEST(KilnctlPagedList, AFailedPageFailsTheWhole) {
  FakePages fake;
  fake.answers["/v1/nodes"] = page({"a"}, "a");  // the page after "a" is not answered
  auto whole = fetch_all_pages("/v1/nodes", "nodes", fake.fetch());
  ASSERT_TRUE(whole);
  EXPECT_FALSE(*whole);
  EXPECT_EQ(fake.asked.size(), 2U);
}

TEST(KilnctlPagedList, ACursorThatDoesNotMoveOrNoListIsAnError) {
  FakePages fake;
  fake.answers["/v1/nodes"] = page({"a"}, "a");
  fake.answers["/v1/nodes?after=a"] = page({"a"}, "a");  // a server going round in circles
  auto circle = fetch_all_pages("/v1/nodes", "nodes", fake.fetch());
  ASSERT_FALSE(circle);
  EXPECT_NE(circle.error().message.find("no next page after a"), std::string::npos)
      << circle.error().message;
  fake.answers["/v1/other"] = nlohmann::json{{"runs", nlohmann::json::array()}};
  auto wrong = fetch_all_pages("/v1/other", "nodes", fake.fetch());
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("no 'nodes' list"), std::string::npos);
  fake.answers["/v1/odd"] = nlohmann::json{{"nodes", nlohmann::json::array()}, {"next", 7}};
  EXPECT_FALSE(fetch_all_pages("/v1/odd", "nodes", fake.fetch()));
}

}  // namespace
}  // namespace kiln::orchestrator
