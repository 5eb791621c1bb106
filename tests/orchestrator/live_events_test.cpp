// The dashboard's long poll: the change feed (sequence, dedup, reset, epoch,
// waits answered by a change, a timeout or close, waits for one delivery), the store wrapper that
// feeds it from every write, and GET /v1/events through ApiService (at once,
// waiting in handle_async, refusals).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "api/api_service.hpp"
#include "live/change_feed.hpp"
#include "live/read_cache.hpp"
#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

using namespace std::chrono_literals;

TEST(ChangeFeed, SinceListsEachRunOnceNewestFirstAndResetsWhenTooOld) {
  ChangeFeed feed(3);
  const auto epoch = feed.epoch();
  EXPECT_EQ(epoch.size(), 16U);
  auto none = feed.since(0, epoch);
  EXPECT_EQ(none.seq, 0);
  EXPECT_FALSE(none.reset);
  EXPECT_TRUE(none.runs.empty());
  feed.publish("r1", "n1");
  feed.publish("r2");
  feed.publish("r1");
  auto all = feed.since(0, epoch);
  EXPECT_EQ(all.seq, 3);
  EXPECT_FALSE(all.reset);
  EXPECT_EQ(all.runs, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(all.nodes, (std::vector<std::string>{"n1"}));
  EXPECT_EQ(feed.since(2, epoch).runs, (std::vector<std::string>{"r1"}));
  feed.publish("r3");  // capacity 3: change 1 is gone
  auto old = feed.since(0, epoch);
  EXPECT_TRUE(old.reset);
  EXPECT_FALSE(feed.since(1, epoch).reset);
  // Another epoch (an orchestrator restarted) or a number from the future: reset, nothing listed.
  auto other = feed.since(1, "0123456789abcdef");
  EXPECT_TRUE(other.reset);
  EXPECT_TRUE(other.runs.empty());
  EXPECT_EQ(other.epoch, epoch);
  EXPECT_TRUE(feed.since(99, epoch).reset);
}

TEST(ChangeFeed, AWaitIsAnsweredOnceByAChangeATimeoutOrClose) {
  ChangeFeed feed;
  const auto epoch = feed.epoch();
  std::promise<ChangeSet> changed;
  feed.wait(0, epoch, 10s, [&](ChangeSet c) { changed.set_value(std::move(c)); });
  EXPECT_EQ(feed.waiting(), 1U);
  feed.publish("r1", "n1");
  auto c = changed.get_future().get();
  EXPECT_EQ(c.seq, 1);
  EXPECT_FALSE(c.timed_out);
  EXPECT_EQ(c.runs, (std::vector<std::string>{"r1"}));
  EXPECT_EQ(feed.waiting(), 0U);
  feed.publish("r2");  // answered already: not called again (a second set_value would throw)

  // Behind the feed already: answered at once.
  bool at_once = false;
  feed.wait(0, epoch, 10s, [&](ChangeSet a) { at_once = a.seq == 2 && !a.timed_out; });
  EXPECT_TRUE(at_once);

  std::promise<ChangeSet> quiet;
  const auto t0 = std::chrono::steady_clock::now();
  feed.wait(2, epoch, 200ms, [&](ChangeSet q) { quiet.set_value(std::move(q)); });
  auto q = quiet.get_future().get();
  EXPECT_TRUE(q.timed_out);
  EXPECT_TRUE(q.runs.empty());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 150ms);

  std::atomic<int> closed{0};
  feed.wait(2, epoch, 60s, [&](ChangeSet) { ++closed; });
  feed.wait(2, epoch, 60s, [&](ChangeSet) { ++closed; });
  feed.close();
  EXPECT_EQ(closed.load(), 2);
  feed.wait(2, epoch, 60s, [&](ChangeSet) { ++closed; });  // after close: at once
  EXPECT_EQ(closed.load(), 3);
}

// A page waiting for one delivery: woken by a change of its nodes (their runs, a node joining
// or leaving it) or of a node the feed does not know, never by another delivery's.
TEST(ChangeFeed, ADeliveryWaitIsAnsweredOnlyByChangesThatMayConcernIt) {
  ChangeFeed feed(3);
  const auto epoch = feed.epoch();
  feed.publish_node("a1", "PO-A");
  feed.publish_node("b1", "PO-B");
  feed.learn_node("b2", "PO-B");  // as a store read answered it
  feed.learn_node("a1", "PO-Z");  // a read never overrides what an upsert said
  EXPECT_TRUE(feed.knows_node("b2"));
  EXPECT_FALSE(feed.knows_node("x"));
  EXPECT_EQ(feed.since(0, epoch, std::string("PO-A")).nodes, (std::vector<std::string>{"a1"}));

  std::promise<ChangeSet> a;
  feed.wait(
      2, epoch, 10s, [&](ChangeSet c) { a.set_value(std::move(c)); }, std::string("PO-A"));
  for (int i = 0; i < 5; ++i) feed.publish("rb", i % 2 ? "b1" : "b2");  // PO-B streams
  EXPECT_EQ(feed.waiting(), 1U);  // and falls out of the 3 changes kept: no reset for PO-A
  EXPECT_FALSE(feed.since(2, epoch, std::string("PO-A")).reset);
  feed.publish("ra", "a1");
  auto woke = a.get_future().get();
  EXPECT_EQ(woke.runs, (std::vector<std::string>{"ra"}));
  EXPECT_EQ(woke.nodes, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(woke.seq, 8);

  // A node leaving PO-A wakes PO-A's page and its new delivery's; a node of no known delivery
  // wakes every page.
  auto waits_for = [&](long long after, const std::string& tag) {
    auto p = std::make_shared<std::promise<ChangeSet>>();
    feed.wait(
        after, epoch, 10s, [p](ChangeSet c) { p->set_value(std::move(c)); }, tag);
    return p->get_future();
  };
  auto on_a = waits_for(8, "PO-A");
  auto on_c = waits_for(8, "PO-C");
  auto on_b = waits_for(8, "PO-B");
  feed.publish_node("a1", "PO-C");
  ASSERT_EQ(on_a.wait_for(1s), std::future_status::ready);
  EXPECT_EQ(on_a.get().nodes, (std::vector<std::string>{"a1"}));
  ASSERT_EQ(on_c.wait_for(1s), std::future_status::ready);
  EXPECT_EQ(on_b.wait_for(50ms), std::future_status::timeout);
  feed.publish("rx", "x");  // x: never upserted nor read
  ASSERT_EQ(on_b.wait_for(1s), std::future_status::ready);
  EXPECT_EQ(on_b.get().runs, (std::vector<std::string>{"rx"}));

  // Quiet for PO-A while PO-B streams: a timeout, not a reset.
  std::promise<ChangeSet> quiet;
  feed.wait(
      10, epoch, 200ms, [&](ChangeSet c) { quiet.set_value(std::move(c)); }, std::string("PO-A"));
  for (int i = 0; i < 5; ++i) feed.publish("rb", "b1");
  auto q = quiet.get_future().get();
  EXPECT_TRUE(q.timed_out);
  EXPECT_FALSE(q.reset);
  EXPECT_EQ(q.seq, 15);
}

int n_of(const ApiResponse& r) {
  return nlohmann::json::parse(r.text)["n"].get<int>();
}

TEST(ReadCache, KeptUntilOneOfItsRunsNodesOrItsDeliveryChanges) {
  ChangeFeed feed;
  ReadCache cache(feed);
  int computed = 0;
  auto view = [&]() {
    ++computed;
    return ReadCache::Computed{ApiResponse{200, {{"n", computed}}}, {"n1", "n2"}, "PO-1"};
  };
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 1);
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 1);  // nothing changed
  feed.publish("r9", "n9");                             // another delivery's run
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 1);
  EXPECT_EQ(cache.hits(), 2U);
  feed.publish("r2", "n2");  // a batch of one of its runs
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 2);
  feed.publish({}, "n1");  // a new run for one of its nodes
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 3);
  feed.publish({}, "n-new", "PO-1");  // a node joins the delivery
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 4);
  feed.publish({}, "n-other", "PO-2");
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 4);
  feed.publish("r-unknown");  // a run of no known node: it may be one of these
  EXPECT_EQ(n_of(cache.get("summary:PO-1", view)), 5);
  // A refusal is never kept; a disabled cache computes every time.
  int refused = 0;
  auto failing = [&]() {
    ++refused;
    return ReadCache::Computed{api_error(503, "store_unavailable", "x"), {}, ""};
  };
  (void)cache.get("k", failing);
  (void)cache.get("k", failing);
  EXPECT_EQ(refused, 2);
  ReadCache off(feed, false);
  (void)off.get("summary:PO-1", view);
  (void)off.get("summary:PO-1", view);
  EXPECT_EQ(computed, 7);
}

// A write while the view was computed makes it stale at once.
TEST(ReadCache, AChangeDuringTheComputationIsNotHidden) {
  ChangeFeed feed;
  ReadCache cache(feed);
  int computed = 0;
  auto view = [&]() {
    if (++computed == 1) feed.publish("r1", "n1");  // lands while the view is read
    return ReadCache::Computed{ApiResponse{200, {{"n", computed}}}, {"n1"}, "PO-1"};
  };
  EXPECT_EQ(n_of(cache.get("v", view)), 1);
  EXPECT_EQ(n_of(cache.get("v", view)), 2);
  EXPECT_EQ(n_of(cache.get("v", view)), 2);
}

class LiveEvents : public SqliteStoreTest<> {
 protected:
  static constexpr const char* kOperator = "operator-token-0123456789";
  void SetUp() override {
    open_store("kiln-live-events");
    OrchestratorConfig c;
    c.operator_token = kOperator;
    c.viewer_tokens = {"viewer-token-0123456789ab"};
    api_ = std::make_unique<ApiService>(*store_, c);
  }
  void TearDown() override {
    if (api_) api_->close_events();
    SqliteStoreTest<>::TearDown();
  }
  ApiResponse get(const std::string& target, const std::string& token = kOperator) {
    return api_->handle({"GET", target, "Bearer " + token, ""});
  }
  // handle_async, as the HTTP server calls it; the answer arrives on another thread.
  std::future<ApiResponse> wait(const std::string& target) {
    auto promise = std::make_shared<std::promise<ApiResponse>>();
    auto future = promise->get_future();
    api_->handle_async({"GET", target, std::string("Bearer ") + kOperator, ""},
                       [promise](ApiResponse r) { promise->set_value(std::move(r)); });
    return future;
  }
};

TEST_F(LiveEvents, AStartedBurninAndARunnersBatchWakeTheWaitingPage) {
  EXPECT_TRUE(ApiService::is_async({"GET", "/v1/events?after=1", "", ""}));
  EXPECT_FALSE(ApiService::is_async({"GET", "/v1/eventsx", "", ""}));
  // A page's first call has no epoch: answered at once with where the feed stands.
  auto first = get("/v1/events");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_TRUE(first.body["reset"].get<bool>());
  const auto epoch = first.body["epoch"].get<std::string>();
  const auto seq = first.body["seq"].get<long long>();

  auto waiting = wait(fmt::format("/v1/events?after={}&epoch={}&wait=20", seq, epoch));
  EXPECT_EQ(waiting.wait_for(100ms), std::future_status::timeout);  // nothing changed yet
  auto started = api_->handle(
      {"POST", "/v1/burnins", std::string("Bearer ") + kOperator, R"({"nodes": ["node-a"]})"});
  ASSERT_EQ(started.status, 201) << started.body.dump();
  const auto run = started.body["runs"][0]["run_id"].get<std::string>();
  ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
  auto woke = waiting.get();  // woken by the start's first write (the node)
  ASSERT_EQ(woke.status, 200);
  EXPECT_FALSE(woke.body["timed_out"].get<bool>());
  // Everything since: the node and its new run, each once.
  auto since = get(fmt::format("/v1/events?after={}&epoch={}", seq, epoch)).body;
  EXPECT_NE(std::find(since["runs"].begin(), since["runs"].end(), run), since["runs"].end())
      << since.dump();
  EXPECT_EQ(since["nodes"], nlohmann::json::array({"node-a"}));

  // A batch stored through the group commit wakes the next wait, naming the run.
  const auto now = since["seq"].get<long long>();
  auto next = wait(fmt::format("/v1/events?after={}&epoch={}&wait=20", now, epoch));
  std::promise<void> stored;
  std::vector<ArtifactLine> lines(1);
  lines[0].line = R"({"sequenceNumber":0})";
  api_->store().ingest_async(run, std::move(lines), [&](Expected<IngestResult> r) {
    EXPECT_TRUE(r);
    stored.set_value();
  });
  stored.get_future().wait();
  ASSERT_EQ(next.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(next.get().body["runs"], nlohmann::json::array({run}));
}

TEST_F(LiveEvents, QuietWaitsTimeOutAndBadQueriesAreRefusedByName) {
  auto seq = get("/v1/events").body;
  auto quiet = wait(fmt::format("/v1/events?after={}&epoch={}&wait=1", seq["seq"].get<long long>(),
                                seq["epoch"].get<std::string>()));
  ASSERT_EQ(quiet.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(quiet.get().body["timed_out"].get<bool>());
  auto bad_after = get("/v1/events?after=-1");
  EXPECT_EQ(bad_after.status, 400);
  EXPECT_NE(bad_after.body["error"]["message"].get<std::string>().find("after=-1"),
            std::string::npos);
  EXPECT_EQ(get("/v1/events?wait=51").status, 400);
  EXPECT_EQ(get("/v1/events?epoch=XYZ").status, 400);
  EXPECT_EQ(get("/v1/events", "viewer-token-0123456789ab").status, 200);  // viewers may watch
  EXPECT_EQ(get("/v1/events", "wrong-token-000000000000").status, 401);
  auto refused = wait("/v1/events?after=0&epoch=00&wait=5");
  ASSERT_EQ(refused.wait_for(1s), std::future_status::ready);  // reset: another epoch, at once
  EXPECT_TRUE(refused.get().body["reset"].get<bool>());
}

NodeRecord node(const std::string& uuid, const std::string& tag) {
  NodeRecord n;
  n.uuid = uuid;
  n.asset_tag = tag;
  return n;
}

// GET /v1/events?delivery=TAG through the service: another delivery's node and runs do not
// answer the wait, its own do; the store wrapper tells the feed the delivery of a node it
// reads (a run written behind its back is looked up once at the runner's first call).
TEST_F(LiveEvents, AWaitForOneDeliveryIsNotWokenByAnothersRunners) {
  ASSERT_TRUE(api_->store().upsert_node(node("node-1", "PO-1")));
  ASSERT_TRUE(store_->upsert_node(node("node-2", "PO-2")));  // behind the service's back
  RunRow other;
  other.id = "run-2";
  other.node_uuid = "node-2";
  other.token_hash = "hash-run-2";
  ASSERT_TRUE(store_->create_run(other));
  ASSERT_TRUE(api_->store().find_run_for_batch("run-2"));  // a runner's batch: node-2 is PO-2's
  auto now = get("/v1/events?delivery=PO-1").body;
  ASSERT_EQ(now["delivery"], "PO-1") << now.dump();
  const auto epoch = now["epoch"].get<std::string>();
  const auto seq = now["seq"].get<long long>();
  auto waiting =
      wait(fmt::format("/v1/events?after={}&epoch={}&wait=20&delivery=PO-1", seq, epoch));
  ASSERT_TRUE(api_->store().record_heartbeat("run-2"));
  ASSERT_TRUE(api_->store().upsert_node(node("node-3", "PO-2")));
  EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout);
  auto unfiltered = get(fmt::format("/v1/events?after={}&epoch={}", seq, epoch)).body;
  EXPECT_EQ(unfiltered["runs"], nlohmann::json::array({"run-2"})) << unfiltered.dump();
  ASSERT_TRUE(api_->store().upsert_node(node("node-4", "PO-1")));  // a node joins PO-1
  ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
  auto woke = waiting.get().body;
  EXPECT_FALSE(woke["timed_out"].get<bool>());
  EXPECT_EQ(woke["nodes"], nlohmann::json::array({"node-4"})) << woke.dump();
  EXPECT_EQ(woke["runs"], nlohmann::json::array());
  EXPECT_EQ(get("/v1/events?delivery=PO%201").status, 400);
  EXPECT_EQ(get("/v1/events?delivery=").status, 400);
}

// With the read cache on, a delivery view is answered from it until a write through the
// service's store touches one of its nodes; a write behind the service's back (what another
// replica would do) is not seen, which is why the cache is SQLite-only.
TEST_F(LiveEvents, DeliveryViewsAreKeptUntilOneOfTheirNodesChanges) {
  api_->enable_read_cache();
  auto started = api_->handle(
      {"POST", "/v1/burnins", std::string("Bearer ") + kOperator, R"({"nodes": ["node-a"]})"});
  ASSERT_EQ(started.status, 201) << started.body.dump();
  const auto run = started.body["runs"][0]["run_id"].get<std::string>();
  const auto token = started.body["runs"][0]["token"].get<std::string>();
  auto reg = api_->handle(
      {"POST", "/v1/runs/register", "Bearer " + token,
       R"({"node": {"ironic_uuid": "node-a", "asset_tag": "PO-1", "serial": "S-A"}})"});
  ASSERT_EQ(reg.status, 200) << reg.body.dump();
  auto view = [&]() {
    auto r = get("/v1/deliveries/PO-1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");  // kept as the text the server sends
    return nlohmann::json::parse(r.text);
  };
  const auto first = view();
  EXPECT_EQ(first["node_list"][0]["run"]["state"], "registered") << first.dump();
  // Behind the service's back: the kept view does not see it.
  ASSERT_TRUE(store_->set_run_state(run, "aborted"));
  EXPECT_EQ(view(), first);
  EXPECT_EQ(get("/v1/deliveries/PO-1", "wrong-token-000000000000").status, 401);  // still checked
  // Through it: the next read is fresh.
  ASSERT_TRUE(api_->store().record_heartbeat(run));
  const auto fresh = view();
  EXPECT_EQ(fresh["node_list"][0]["run"]["state"], "aborted") << fresh.dump();
  // Another delivery's node joining does not drop it; one joining PO-1 does.
  ASSERT_TRUE(api_->store().upsert_node(node("node-z", "PO-2")));
  ASSERT_TRUE(store_->set_run_state(run, "registered"));
  EXPECT_EQ(view(), fresh);
  ASSERT_TRUE(api_->store().upsert_node(node("node-b", "PO-1")));
  EXPECT_EQ(view()["nodes"], 2);
}

}  // namespace
}  // namespace kiln::orchestrator
