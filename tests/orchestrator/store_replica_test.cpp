// The store as several kiln-orchestrator replicas share it: one unfinished run
// per node whatever the number of stores starting runs at once, artifact
// batches of one run stored through two stores, the list queries in SQL, and
// the leader lock. Both backends (two stores on one SQLite file stand in for
// the one replica SQLite allows; PostgreSQL is the server the suite starts).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/leader_lock.hpp"
#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

RunRow run_of(const std::string& id, const std::string& node, const std::string& kind = "burnin") {
  RunRow r;
  r.id = id;
  r.node_uuid = node;
  r.token_hash = "hash-" + id;
  r.kind = kind;
  return r;
}

ArtifactLine line(long long seq, std::optional<std::string> stage = std::nullopt) {
  return ArtifactLine{seq, "{\"sequenceNumber\":" + std::to_string(seq) + "}", std::move(stage),
                      std::nullopt};
}

std::vector<ArtifactLine> lines(long long first, long long last) {
  std::vector<ArtifactLine> out;
  for (long long s = first; s <= last; ++s) out.push_back(line(s));
  return out;
}

class StoreReplicaTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = open_store();
    b_ = open_store();
    ASSERT_TRUE(a_ && b_);
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    StoreBackendTest::TearDown();
  }
  std::unique_ptr<RunStore> a_;  // replica A's store
  std::unique_ptr<RunStore> b_;  // replica B's, on the same database
};

TEST_P(StoreReplicaTest, TheDatabaseAllowsOneUnfinishedRunPerNode) {
  ASSERT_TRUE(a_->create_run(run_of("run-1", "node-a")));
  EXPECT_FALSE(b_->create_run(run_of("run-2", "node-a")));  // the unique index, not a mutex
  ASSERT_TRUE(a_->create_run(run_of("run-3", "node-b")));
  ASSERT_TRUE(a_->store_report("run-1", R"({"verdict":"PASS"})", "PASS"));
  EXPECT_TRUE(b_->create_run(run_of("run-2", "node-a")));  // the first one has ended
  ASSERT_TRUE(b_->set_run_state("run-2", "aborted"));
  EXPECT_TRUE(a_->create_run(run_of("run-4", "node-a", "decommission")));
}

TEST_P(StoreReplicaTest, ABusyNodeStartsNoRunOfTheRequest) {
  ASSERT_TRUE(a_->create_run(run_of("run-busy", "node-b")));
  auto conflict =
      b_->create_runs({run_of("run-x", "node-new"), run_of("run-y", "node-b"), run_of("z", "c")});
  ASSERT_TRUE(conflict) << conflict.error().message;
  ASSERT_TRUE(conflict->has_value());
  EXPECT_EQ((*conflict)->node_uuid, "node-b");
  EXPECT_EQ((*conflict)->run_id, "run-busy");
  EXPECT_EQ((*conflict)->kind, "burnin");
  EXPECT_FALSE(*a_->find_run("run-x"));  // all or nothing
  EXPECT_FALSE(*a_->find_node("node-new"));
  auto started = b_->create_runs({run_of("run-x", "node-new"), run_of("run-z", "node-c")});
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_FALSE(started->has_value());
  EXPECT_TRUE(*a_->find_run("run-z"));
  EXPECT_TRUE(*a_->find_node("node-new"));  // a bare row for a node not known before
}

TEST_P(StoreReplicaTest, ConcurrentStartsThroughTwoStoresMakeExactlyOneRun) {
  constexpr int kTries = 8;
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kTries; ++i) {
    threads.emplace_back([&, i]() {
      RunStore& store = i % 2 == 0 ? *a_ : *b_;
      auto r = store.create_runs({run_of("run-" + std::to_string(i), "node-a")});
      if (!r) {
        ++failed;
      } else if (r->has_value()) {
        EXPECT_EQ((*r)->node_uuid, "node-a");
        ++refused;
      } else {
        ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), kTries - 1);  // each a 409 with the winner's run, none an error
  EXPECT_EQ(failed.load(), 0);
  RunQuery of_node;
  of_node.node = "node-a";
  EXPECT_EQ(a_->list_runs(of_node)->size(), 1U);
}

TEST_P(StoreReplicaTest, BatchesOfOneRunThroughTwoStoresAreAcknowledgedExactly) {
  ASSERT_TRUE(a_->create_run(run_of("run-1", "node-a")));
  auto first = a_->ingest("run-1", lines(0, 9));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->acknowledged, 9);
  auto ahead = b_->ingest("run-1", lines(20, 29));  // a gap: 10..19 went to A, not stored yet
  ASSERT_TRUE(ahead) << ahead.error().message;
  EXPECT_EQ(ahead->acknowledged, 9);
  auto filled = a_->ingest("run-1", lines(10, 19));  // A fills it: B's lines count
  ASSERT_TRUE(filled) << filled.error().message;
  EXPECT_EQ(filled->acknowledged, GetParam() == "postgres" ? 29 : 19);
  auto next = b_->ingest("run-1", {line(30, "memory")});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->acknowledged, 30);
  auto replay = a_->ingest("run-1", lines(25, 30));  // a replay through the other store
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_EQ(replay->stored, 0);
  EXPECT_EQ(replay->acknowledged, 30);
  auto late = a_->ingest("run-1", {line(31, "disk")});
  ASSERT_TRUE(late);
  EXPECT_EQ(late->acknowledged, 31);
  auto stale = b_->ingest("run-1", {line(32)});  // B last saw 30: the row says 31
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->acknowledged, 32);
  auto run = a_->find_run("run-1");
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->acked_seq, 32);
  EXPECT_EQ((*run)->artifact_count, 33);  // every line once
  EXPECT_EQ((*run)->stage, "disk");       // the newest stage line, whoever stored it
  EXPECT_EQ(a_->artifacts("run-1")->size(), 33U);
}

TEST_P(StoreReplicaTest, ListQueriesFilterInSqlAndLeaveReportsOut) {
  ASSERT_TRUE(a_->upsert_node({"n1", "PO-1", "S1", "", {}, ""}));
  ASSERT_TRUE(a_->upsert_node({"n2", "PO-1", "S2", "", {}, ""}));
  ASSERT_TRUE(a_->upsert_node({"n3", "PO-2", "S3", "", {}, ""}));
  const std::string report =
      R"({"verdict":"FAIL","failures":["DIMM A1"],"stages":[{"name":"memory","verdict":"FAIL",)"
      R"("key_figures":[{"name":"gb","value":512}]}],"padding":"lots"})";
  ASSERT_TRUE(a_->create_run(run_of("r1-old", "n1")));
  ASSERT_TRUE(a_->store_report("r1-old", report, "FAIL"));
  ASSERT_TRUE(a_->create_run(run_of("r1-new", "n1")));
  ASSERT_TRUE(a_->create_run(run_of("r2", "n2", "decommission")));
  ASSERT_TRUE(a_->create_run(run_of("r3", "n3")));

  auto all = b_->list_runs(RunQuery{});
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 4U);
  const RunRow& old = (*all)[0];
  EXPECT_EQ(old.id, "r1-old");
  EXPECT_TRUE(old.has_report);
  EXPECT_EQ(old.report, "");  // not read by a list
  EXPECT_EQ(old.report_summary,
            R"({"failures":["DIMM A1"],"stages":[{"name":"memory","verdict":"FAIL"}]})");
  EXPECT_EQ((**b_->find_run("r1-old")).report, report);  // the run itself has it

  auto ids = [](const Expected<std::vector<RunRow>>& runs) {
    std::vector<std::string> out;
    if (runs)
      for (const auto& r : *runs) out.push_back(r.id);
    return out;
  };
  RunQuery delivery;
  delivery.delivery = "PO-1";
  EXPECT_EQ(ids(b_->list_runs(delivery)), (std::vector<std::string>{"r1-old", "r1-new", "r2"}));
  delivery.latest_per_node = true;
  EXPECT_EQ(ids(b_->list_runs(delivery)), (std::vector<std::string>{"r1-new", "r2"}));
  delivery.kind = "burnin";
  EXPECT_EQ(ids(b_->list_runs(delivery)), (std::vector<std::string>{"r1-new"}));
  RunQuery unfinished;
  unfinished.unfinished = true;
  EXPECT_EQ(ids(b_->list_runs(unfinished)), (std::vector<std::string>{"r1-new", "r2", "r3"}));
  RunQuery node;
  node.node = "n1";
  node.latest_per_node = true;
  EXPECT_EQ(ids(b_->list_runs(node)), (std::vector<std::string>{"r1-new"}));
  auto with_reports = b_->list_runs(delivery_runs_query("PO-1"));
  ASSERT_TRUE(with_reports);
  EXPECT_EQ(with_reports->front().report, report);

  auto po1 = b_->list_delivery_nodes("PO-1");
  ASSERT_TRUE(po1);
  ASSERT_EQ(po1->size(), 2U);
  EXPECT_EQ((*po1)[1].serial, "S2");
  EXPECT_TRUE(b_->list_delivery_nodes("PO-9")->empty());
}

TEST_P(StoreReplicaTest, OneReplicaLeadsAndAnotherTakesOverWhenItsSessionEnds) {
  LeaderLock first(url_, std::chrono::milliseconds(50));
  LeaderLock second(url_, std::chrono::milliseconds(50));
  EXPECT_TRUE(first.try_lead());
  if (GetParam() == "sqlite") {  // one replica: it always leads
    EXPECT_TRUE(second.try_lead());
    return;
  }
  EXPECT_FALSE(second.try_lead());
  EXPECT_TRUE(first.try_lead());  // still holds it
  // The leader's session ends as a killed process's would: PostgreSQL frees the lock.
  auto admin = open_postgres(url_);
  ASSERT_TRUE(admin) << admin.error().message;
  ASSERT_TRUE((*admin)->query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND "
      "objid = 461330214402 % 4294967296 AND pid <> pg_backend_pid()"));
  bool took = false;
  for (int i = 0; i < 100 && !took; ++i) {
    took = second.try_lead();
    if (!took) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(took);
  EXPECT_FALSE(first.try_lead());  // its session is gone: it steps down
  EXPECT_FALSE(first.is_leader());
  second.stop();  // hands it back
  EXPECT_TRUE(first.try_lead());
}

// A failover or a restart of PostgreSQL breaks every connection: the store
// opens its connections again at their next statement.
TEST_P(StoreReplicaTest, AStoreWhoseConnectionsBrokeReconnects) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite has no server connection to lose";
  ASSERT_TRUE(a_->upsert_node({"n1", "PO-1", "S1", "", {}, ""}));
  auto admin = open_postgres(url_);
  ASSERT_TRUE(admin) << admin.error().message;
  ASSERT_TRUE((*admin)->query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
      "AND datname = current_database()"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (void)a_->find_node("n1");  // the reader may find its connection broken
  (void)a_->upsert_node({"n2", "PO-1", "S2", "", {}, ""});  // the writer too
  auto found = a_->find_node("n1");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->has_value());
  EXPECT_TRUE(a_->upsert_node({"n3", "PO-1", "S3", "", {}, ""}));
  EXPECT_TRUE(a_->check_writable());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreReplicaTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
