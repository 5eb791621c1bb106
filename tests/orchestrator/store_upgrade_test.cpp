// Upgrades keep every stored run: a store made by the first released schema
// (version 1, frozen in tests/data/store as that release created it) with nodes, runs,
// reports and artifacts in it is opened by today's store, which migrates it
// on start; everything is found, and what later schemas added works on the
// old rows. A store newer than this binary is refused, untouched. Both
// backends (SQLite, PostgreSQL when it can be started).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "kiln_test_paths.hpp"

#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

// Schema version 1 with its rows, frozen in tests/data/store/schema-v1.sql
// (the package test upgrades the same store through dpkg).
std::string schema_v1() {
  std::ifstream in(KILN_TEST_DATA_DIR "/store/schema-v1.sql");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(in.good()) << "cannot read " KILN_TEST_DATA_DIR "/store/schema-v1.sql";
  return text.str();
}

class StoreUpgradeTest : public StoreBackendTest {
 protected:
  std::unique_ptr<SqlConnection> raw() {
    auto conn =
        GetParam() == "sqlite" ? open_sqlite((dir_ / "kiln.db").string()) : open_postgres(url_);
    EXPECT_TRUE(conn) << conn.error().message;
    return conn ? std::move(*conn) : nullptr;
  }
  long long schema_version() {
    auto conn = raw();
    auto rows = conn->query("SELECT MAX(version) FROM schema_migrations");
    EXPECT_TRUE(rows && !rows->empty());
    return rows && !rows->empty() ? sql_integer(rows->front(), 0) : -1;
  }
};

TEST_P(StoreUpgradeTest, AVersionOneStoreKeepsEveryRunAfterTheUpgrade) {
  {
    auto conn = raw();
    ASSERT_TRUE(conn);
    ASSERT_TRUE(conn->exec_script(schema_v1())) << "the old schema did not apply";
  }
  auto store = open_run_store(url_);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_GT(schema_version(), 1);

  auto runs = (*store)->list_runs();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 2U);
  auto old = (*store)->find_run("run-old-1");
  ASSERT_TRUE(old && *old);
  const RunRow& r = **old;
  EXPECT_EQ(r.node_uuid, "node-a");
  EXPECT_EQ(r.state, "reported");
  EXPECT_EQ(r.verdict, "PASS");
  EXPECT_EQ(r.report, "{\"verdict\":\"PASS\"}");
  EXPECT_EQ(r.acked_seq, 2);
  EXPECT_EQ(r.artifact_count, 3);
  EXPECT_EQ(r.kind, "burnin");  // added by migration 2, defaulted for old runs
  EXPECT_EQ(r.operator_name, "");
  auto lines = (*store)->artifacts("run-old-1");
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 3U);
  EXPECT_EQ(lines->back().line, "{\"sequenceNumber\":2}");
  auto node = (*store)->find_node("node-a");
  ASSERT_TRUE(node && *node);
  EXPECT_EQ((*node)->asset_tag, "PO-2026-0042");
  ASSERT_EQ((*node)->macs.size(), 1U);

  // The old run goes on in the new schema; a new decommission run sits beside it.
  ASSERT_TRUE((*store)->ingest("run-old-2", {{0, "{\"sequenceNumber\":0}", {}, {}}}));
  RunRow fresh;
  fresh.id = "run-new";
  fresh.node_uuid = "node-a";
  fresh.token_hash = "hash-3";
  fresh.kind = "decommission";
  fresh.operator_name = "alice";
  fresh.created_at = fresh.updated_at = utc_now();
  // run-old-2 is still unfinished on node-a: the upgraded schema allows no second one there.
  EXPECT_FALSE((*store)->create_run(fresh));
  fresh.node_uuid = "node-b";
  ASSERT_TRUE((*store)->create_run(fresh));
  store->reset();

  // A second start migrates nothing and loses nothing.
  const long long version = schema_version();
  auto again = open_run_store(url_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(schema_version(), version);
  auto all = (*again)->list_runs();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3U);
  auto moved = (*again)->find_run("run-old-2");
  ASSERT_TRUE(moved && *moved);
  EXPECT_EQ((*moved)->acked_seq, 0);
  auto decommission = (*again)->find_run("run-new");
  ASSERT_TRUE(decommission && *decommission);
  EXPECT_EQ((*decommission)->operator_name, "alice");
}

TEST_P(StoreUpgradeTest, AStoreNewerThanThisProgramIsRefusedUntouched) {
  {
    auto store = open_run_store(url_);
    ASSERT_TRUE(store) << store.error().message;
  }
  const long long current = schema_version();
  {
    auto conn = raw();
    ASSERT_TRUE(
        conn->exec_script("INSERT INTO schema_migrations (version, applied_at) VALUES (999, "
                          "'2030-01-01T00:00:00Z')"));
  }
  auto store = open_run_store(url_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("version 999, newer than the " + std::to_string(current)),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(schema_version(), 999);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreUpgradeTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
