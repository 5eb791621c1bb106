// One test suite, both RunStore backends: SQLite in a temp file, PostgreSQL in
// a server the suite starts itself (skipped with a message when absent).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "postgres_server.hpp"
#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

class RunStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open_store();
    ASSERT_TRUE(store_);
  }
  void TearDown() override {
    store_.reset();
    StoreBackendTest::TearDown();
  }

  RunRow make_run(const std::string& id, const std::string& node) {
    RunRow r;
    r.id = id;
    r.node_uuid = node;
    r.token_hash = "hash-" + id;
    return r;
  }
  static ArtifactLine line(long long seq) {
    return ArtifactLine{seq, "{\"sequenceNumber\":" + std::to_string(seq) + "}", std::nullopt,
                        std::nullopt};
  }

  std::unique_ptr<RunStore> store_;
};

TEST_P(RunStoreTest, NodesAreUpsertedAndListed) {
  ASSERT_TRUE(store_->upsert_node({"node-b", "PO-1", "S2", "D2", {"aa:bb"}, ""}));
  ASSERT_TRUE(store_->upsert_node({"node-a", "PO-1", "S1", "D1", {}, ""}));
  ASSERT_TRUE(store_->upsert_node({"node-b", "PO-2", "S2", "D2", {"aa:bb", "cc:dd"}, ""}));
  auto nodes = store_->list_nodes();
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->size(), 2U);
  EXPECT_EQ((*nodes)[0].uuid, "node-a");
  EXPECT_EQ((*nodes)[1].asset_tag, "PO-2");
  EXPECT_EQ((*nodes)[1].macs, (std::vector<std::string>{"aa:bb", "cc:dd"}));
  auto missing = store_->find_node("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

// Keyset pages: UUID order, `next` only while nodes follow, a delivery's own
// nodes only when it is named; the runs of a page's nodes only.
TEST_P(RunStoreTest, NodesComeInPagesAfterACursor) {
  for (const char* uuid : {"node-e", "node-a", "node-c", "node-g", "node-b", "node-f", "node-d"}) {
    const std::string tag = std::string(uuid) < "node-d" ? "PO-1" : "PO-2";
    ASSERT_TRUE(store_->upsert_node({uuid, tag, "S", "D", {}, ""}));
  }
  std::vector<std::string> seen;
  NodePageQuery query;
  query.limit = 3;
  std::vector<std::optional<std::string>> cursors;
  for (int page = 0; page < 5; ++page) {
    auto got = store_->list_nodes_page(query);
    ASSERT_TRUE(got) << got.error().message;
    for (const auto& n : got->nodes) seen.push_back(n.uuid);
    cursors.push_back(got->next);
    if (!got->next) break;
    query.after = *got->next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"node-a", "node-b", "node-c", "node-d", "node-e",
                                            "node-f", "node-g"}));
  EXPECT_EQ(cursors, (std::vector<std::optional<std::string>>{"node-c", "node-f", std::nullopt}));

  NodePageQuery po1;  // exactly one full page: no cursor
  po1.delivery = "PO-1";
  po1.limit = 3;
  auto whole = store_->list_nodes_page(po1);
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->nodes.size(), 3U);
  EXPECT_EQ(whole->nodes[2].uuid, "node-c");
  EXPECT_FALSE(whole->next);
  po1.limit = 2;
  po1.after = "node-a";
  auto rest = store_->list_nodes_page(po1);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->nodes.size(), 2U);
  EXPECT_EQ(rest->nodes[0].uuid, "node-b");
  EXPECT_EQ(rest->nodes[1].asset_tag, "PO-1");
  EXPECT_FALSE(rest->next);

  ASSERT_TRUE(store_->create_run(make_run("run-a", "node-a")));
  ASSERT_TRUE(store_->create_run(make_run("run-d", "node-d")));
  RunQuery of_page;
  of_page.nodes = std::vector<std::string>{"node-c", "node-d"};
  auto runs = store_->list_runs(of_page);
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ(runs->front().id, "run-d");
  of_page.nodes = std::vector<std::string>{};
  EXPECT_TRUE(store_->list_runs(of_page)->empty());
}

// GET /v1/deliveries' counts: one GROUP BY over each node's latest burn-in.
TEST_P(RunStoreTest, DeliveriesAreCountedByEachNodesLatestBurnin) {
  for (const auto& [uuid, tag] : std::vector<std::pair<std::string, std::string>>{{"n1", "PO-1"},
                                                                                  {"n2", "PO-1"},
                                                                                  {"n3", "PO-1"},
                                                                                  {"n4", "PO-1"},
                                                                                  {"n5", "PO-1"},
                                                                                  {"n6", "PO-2"},
                                                                                  {"n7", ""}}) {
    ASSERT_TRUE(store_->upsert_node({uuid, tag, "S", "D", {}, ""}));
  }
  auto reported = [&](const std::string& id, const std::string& node, const std::string& verdict,
                      const std::string& kind = "burnin") {
    auto run = make_run(id, node);
    run.kind = kind;
    ASSERT_TRUE(store_->create_run(run));
    ASSERT_TRUE(store_->store_report(id, "{}", verdict));
  };
  reported("r1-old", "n1", "FAIL");
  reported("r1-new", "n1", "PASS");  // the newest counts, not the failed one before
  reported("r2", "n2", "FAIL");
  reported("r3", "n3", "ERROR");
  ASSERT_TRUE(store_->create_run(make_run("r4", "n4")));  // running
  reported("d5", "n5", "PASS", "decommission");           // not a burn-in
  reported("r6", "n6", "PASS");
  reported("r7", "n7", "PASS");  // no asset tag: no delivery
  auto all = store_->burnin_counts(std::nullopt);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2U);
  const auto& po1 = (*all)[0];
  EXPECT_EQ(po1.tag, "PO-1");
  EXPECT_EQ(po1.nodes, 5);
  EXPECT_EQ(po1.passed, 1);
  EXPECT_EQ(po1.failed, 1);
  EXPECT_EQ(po1.errored, 1);
  EXPECT_EQ(po1.running, 1);
  auto r1 = store_->find_run("r1-new");
  auto r2 = store_->find_run("r2");
  EXPECT_EQ(po1.started_at, std::min((*r1)->created_at, (*r2)->created_at));
  EXPECT_EQ((*all)[1].tag, "PO-2");
  EXPECT_EQ((*all)[1].nodes, 1);
  EXPECT_EQ((*all)[1].passed, 1);
  auto one = store_->burnin_counts(std::string("PO-2"));
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1U);
  EXPECT_EQ((*one)[0].tag, "PO-2");
  EXPECT_TRUE(store_->burnin_counts(std::string("PO-404"))->empty());
}

TEST_P(RunStoreTest, RunsAreFoundByIdAndTokenHash) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto by_id = store_->find_run("run-1");
  ASSERT_TRUE(by_id && *by_id);
  EXPECT_EQ((*by_id)->node_uuid, "node-a");
  EXPECT_EQ((*by_id)->state, "started");
  EXPECT_EQ((*by_id)->acked_seq, -1);
  auto by_token = store_->find_run_by_token_hash("hash-run-1");
  ASSERT_TRUE(by_token && *by_token);
  EXPECT_EQ((*by_token)->id, "run-1");
  EXPECT_FALSE(store_->create_run(make_run("run-1", "node-b")));  // primary key
}

TEST_P(RunStoreTest, ReplayedArtifactsAreStoredOnce) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto first = store_->ingest("run-1", {line(0), line(1), line(2)});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->stored, 3);
  EXPECT_EQ(first->acknowledged, 2);
  auto replay = store_->ingest("run-1", {line(1), line(2), line(3)});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->stored, 1);
  EXPECT_EQ(replay->acknowledged, 3);
  auto all = store_->artifacts("run-1");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4U);
  EXPECT_EQ((*all)[3].seq, 3);
  auto run = store_->find_run("run-1");
  EXPECT_EQ((*run)->artifact_count, 4);
}

TEST_P(RunStoreTest, AcknowledgementStopsAtTheFirstGap) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto gap = store_->ingest("run-1", {line(0), line(1), line(3), line(4)});
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->acknowledged, 1);
  auto filled = store_->ingest("run-1", {line(2)});
  ASSERT_TRUE(filled);
  EXPECT_EQ(filled->acknowledged, 4);
}

TEST_P(RunStoreTest, ArtifactsOfOneRunDoNotCountForAnother) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  ASSERT_TRUE(store_->create_run(make_run("run-2", "node-b")));
  ASSERT_TRUE(store_->ingest("run-1", {line(0), line(1)}));
  auto other = store_->ingest("run-2", {line(0)});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->stored, 1);
  EXPECT_EQ(other->acknowledged, 0);
  EXPECT_FALSE(store_->ingest("no-such-run", {line(0)}));
}

TEST_P(RunStoreTest, ProgressFollowsTheNewestStage) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  ArtifactLine start = line(5);
  start.stage = "memory";
  ArtifactLine progress = line(6);
  progress.progress = 42.5;
  ArtifactLine older = line(4);
  older.stage = "inventory";
  ASSERT_TRUE(store_->ingest("run-1", {start, progress}));
  ASSERT_TRUE(store_->ingest("run-1", {older}));  // a late replay does not go back
  auto run = store_->find_run("run-1");
  EXPECT_EQ((*run)->stage, "memory");
  EXPECT_DOUBLE_EQ((*run)->progress, 42.5);
}

TEST_P(RunStoreTest, StateDirectiveReportAndDriverStatePersist) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  ASSERT_TRUE(store_->set_run_state("run-1", "registered"));
  ASSERT_TRUE(store_->set_directive("run-1", "abort"));
  ASSERT_TRUE(store_->record_heartbeat("run-1"));
  ASSERT_TRUE(store_->set_driver_state("run-1", "wait_active", "Ironic down"));
  ASSERT_TRUE(store_->set_token_hash("run-1", "new-hash"));
  auto run = store_->find_run("run-1");
  EXPECT_EQ((*run)->state, "registered");
  EXPECT_EQ((*run)->directive, "abort");
  EXPECT_FALSE((*run)->last_heartbeat.empty());
  EXPECT_EQ((*run)->driver_state, "wait_active");
  EXPECT_EQ((*run)->driver_error, "Ironic down");
  EXPECT_EQ((*run)->token_hash, "new-hash");
  auto in_flight = store_->runs_in_flight();
  ASSERT_TRUE(in_flight);
  EXPECT_EQ(in_flight->size(), 1U);
  ASSERT_TRUE(store_->store_report("run-1", "{\"verdict\":\"PASS\"}", "PASS"));
  ASSERT_TRUE(store_->set_driver_state("run-1", "done", ""));
  run = store_->find_run("run-1");
  EXPECT_EQ((*run)->state, "reported");
  EXPECT_EQ((*run)->verdict, "PASS");
  EXPECT_TRUE(store_->runs_in_flight()->empty());
}

// The artifact path's read (kept in memory on SQLite) follows every write
// that changes what a batch's answer says.
TEST_P(RunStoreTest, TheRunAsABatchSeesItFollowsEveryWrite) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto first = store_->find_run_for_batch("run-1");
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->token_hash, "hash-run-1");
  ASSERT_TRUE(store_->ingest("run-1", {line(0)}));
  ASSERT_TRUE(store_->set_directive("run-1", "abort"));
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->directive, "abort");
  ASSERT_TRUE(store_->set_token_hash("run-1", "rotated"));
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->token_hash, "rotated");
  ASSERT_TRUE(store_->set_driver_state("run-1", "running", ""));
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->driver_state, "running");
  ASSERT_TRUE(store_->set_run_state("run-1", "registered"));
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->state, "registered");
  ASSERT_TRUE(store_->store_report("run-1", "{}", "PASS"));
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->verdict, "PASS");
  auto missing = store_->find_run_for_batch("no-such-run");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->create_run(make_run("no-such-run", "node-b")));  // created after a miss
  EXPECT_TRUE(store_->find_run_for_batch("no-such-run")->has_value());
}

TEST_P(RunStoreTest, ABatchThatFillsAGapAcknowledgesWhatWasStoredBeyondIt) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto ahead = store_->ingest("run-1", {line(5), line(6)});
  ASSERT_TRUE(ahead);
  EXPECT_EQ(ahead->acknowledged, -1);
  auto filled = store_->ingest("run-1", {line(0), line(1), line(2), line(3), line(4)});
  ASSERT_TRUE(filled);
  EXPECT_EQ(filled->stored, 5);
  EXPECT_EQ(filled->acknowledged, 6);
  auto next = store_->ingest("run-1", {line(7)});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->acknowledged, 7);
}

TEST_P(RunStoreTest, LargeBatchesAreStoredWholeAndInOrder) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  std::vector<ArtifactLine> batch;
  for (long long seq = 0; seq < 77; ++seq) batch.push_back(line(seq));  // 64 + 8 + 4 + 1
  auto first = store_->ingest("run-1", batch);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->stored, 77);
  EXPECT_EQ(first->acknowledged, 76);
  batch.push_back(line(77));
  auto replay = store_->ingest("run-1", batch);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->stored, 1);
  EXPECT_EQ(replay->acknowledged, 77);
  auto all = store_->artifacts("run-1");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 78U);
  for (std::size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<long long>(i));
    EXPECT_EQ((*all)[i].line, line(static_cast<long long>(i)).line);
  }
  EXPECT_EQ((*store_->find_run("run-1"))->artifact_count, 78);
}

TEST_P(RunStoreTest, ASequenceNumberTwiceInOneBatchIsStoredOnce) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  auto twice = store_->ingest("run-1", {line(0), line(0), line(1)});
  ASSERT_TRUE(twice) << twice.error().message;
  EXPECT_EQ(twice->stored, 2);
  EXPECT_EQ(twice->acknowledged, 1);
  EXPECT_EQ(store_->artifacts("run-1")->size(), 2U);
}

TEST_P(RunStoreTest, ReopeningKeepsEverythingAndMigratesOnce) {
  ASSERT_TRUE(store_->create_run(make_run("run-1", "node-a")));
  ASSERT_TRUE(store_->ingest("run-1", {line(0), line(2)}));
  store_.reset();
  auto reopened = open_run_store(url_);
  ASSERT_TRUE(reopened) << reopened.error().message;
  auto run = (*reopened)->find_run("run-1");
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->acked_seq, 0);
  // The gap stored before the restart is known to the reopened store.
  auto filled = (*reopened)->ingest("run-1", {line(1)});
  ASSERT_TRUE(filled);
  EXPECT_EQ(filled->acknowledged, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, RunStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
