// The decommission part of the store on both backends (run kind, certificates
// first-one-wins, latest per node), and the migration of a store written
// before decommissions existed: its runs become burn-in runs, nothing is lost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "postgres_server.hpp"
#include "store/run_store.hpp"
#include "store/sql_connection.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

class CertificateStoreTest : public StoreBackendTest {
 protected:
  std::unique_ptr<SqlConnection> connect() {
    auto conn =
        GetParam() == "sqlite" ? open_sqlite((dir_ / "kiln.db").string()) : open_postgres(url_);
    EXPECT_TRUE(conn) << conn.error().message;
    return conn ? std::move(*conn) : nullptr;
  }
  static RunRow run(const std::string& id, const std::string& node, const std::string& kind) {
    RunRow r;
    r.id = id;
    r.node_uuid = node;
    r.token_hash = "hash-" + id;
    r.kind = kind;
    return r;
  }
};

TEST_P(CertificateStoreTest, RunKindIsStored) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create_run(run("run-b", "n1", "burnin")));
  ASSERT_TRUE(store->set_run_state("run-b", "reported"));  // one unfinished run per node
  ASSERT_TRUE(store->create_run(run("run-d", "n1", "decommission")));
  EXPECT_EQ((*store->find_run("run-b"))->kind, "burnin");
  EXPECT_EQ((*store->find_run("run-d"))->kind, "decommission");
  EXPECT_EQ((*store->list_runs())[1].kind, "decommission");
}

TEST_P(CertificateStoreTest, FirstCertificateOfARunWinsAndTheLatestPerNodeIsFound) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->create_run(run("run-1", "n1", "decommission")));
  ASSERT_TRUE(store->set_run_state("run-1", "aborted"));  // one unfinished run per node
  ASSERT_TRUE(store->create_run(run("run-2", "n1", "decommission")));
  EXPECT_FALSE(*store->find_certificate("run-1"));
  EXPECT_FALSE(*store->latest_certificate("n1"));
  CertificateRow first{
      "run-1", "n1", "sha-a", "key", R"({"certificate":1})", "2026-11-21T10:00:00Z"};
  auto stored = store->store_certificate(first);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(*stored);
  CertificateRow second = first;
  second.body_sha256 = "sha-b";
  EXPECT_FALSE(*store->store_certificate(second));  // run-1 is certified once
  EXPECT_EQ((*store->find_certificate("run-1"))->body_sha256, "sha-a");
  CertificateRow later{
      "run-2", "n1", "sha-c", "key", R"({"certificate":2})", "2026-11-21T11:00:00Z"};
  EXPECT_TRUE(*store->store_certificate(later));
  auto latest = store->latest_certificate("n1");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->run_id, "run-2");
  EXPECT_EQ((*latest)->document, R"({"certificate":2})");
  EXPECT_FALSE(*store->latest_certificate("n2"));
  // Durable: a new connection sees it.
  store.reset();
  auto reopened = open_store();
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened->find_certificate("run-1"))->document, R"({"certificate":1})");
}

TEST_P(CertificateStoreTest, AStoreFromBeforeDecommissionsMigratesItsRunsAsBurnins) {
  {  // schema version 1 as the first orchestrator release wrote it, with one run
    auto conn = connect();
    ASSERT_TRUE(conn);
    ASSERT_TRUE(conn->exec_script(
        "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL);"
        "INSERT INTO schema_migrations VALUES (1, '2026-11-01T00:00:00Z');"
        "CREATE TABLE nodes (uuid TEXT PRIMARY KEY, asset_tag TEXT NOT NULL DEFAULT '', serial "
        "TEXT NOT NULL DEFAULT '', dmi_serial TEXT NOT NULL DEFAULT '', macs TEXT NOT NULL "
        "DEFAULT '[]', updated_at TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE runs (id TEXT PRIMARY KEY, node_uuid TEXT NOT NULL, token_hash TEXT NOT "
        "NULL UNIQUE, state TEXT NOT NULL, directive TEXT NOT NULL, stage TEXT NOT NULL DEFAULT "
        "'', progress DOUBLE PRECISION NOT NULL DEFAULT 0, progress_seq BIGINT NOT NULL DEFAULT "
        "-1, verdict TEXT NOT NULL DEFAULT '', report TEXT NOT NULL DEFAULT '', driver_state "
        "TEXT NOT NULL, driver_error TEXT NOT NULL DEFAULT '', attempt BIGINT NOT NULL DEFAULT 1, "
        "acked_seq BIGINT NOT NULL DEFAULT -1, artifact_count BIGINT NOT NULL DEFAULT 0, "
        "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_heartbeat TEXT NOT NULL "
        "DEFAULT '');"
        "CREATE INDEX runs_by_node ON runs (node_uuid);"
        "CREATE TABLE artifacts (run_id TEXT NOT NULL, seq BIGINT NOT NULL, line TEXT NOT NULL, "
        "PRIMARY KEY (run_id, seq));"
        "INSERT INTO runs (id, node_uuid, token_hash, state, directive, verdict, driver_state, "
        "created_at, updated_at) VALUES ('run-old', 'n1', 'h', 'reported', 'continue', 'PASS', "
        "'done', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');"));
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  auto old = store->find_run("run-old");
  ASSERT_TRUE(old && *old);
  EXPECT_EQ((*old)->kind, "burnin");
  EXPECT_EQ((*old)->verdict, "PASS");
  ASSERT_TRUE(store->create_run(run("run-new", "n1", "decommission")));
  EXPECT_EQ((*store->find_run("run-new"))->kind, "decommission");
  // Opening again applies nothing twice.
  store.reset();
  EXPECT_TRUE(open_store());
}

INSTANTIATE_TEST_SUITE_P(Backends, CertificateStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
