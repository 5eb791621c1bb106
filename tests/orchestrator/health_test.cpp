// /healthz and /readyz: ready when the store takes a write and Ironic (when
// configured) answers; each failing check says why.
#include <gtest/gtest.h>

#include "api/api_service.hpp"
#include "api/health_endpoints.hpp"
#include "fake_ironic.hpp"
#include "store/sql_connection.hpp"
#include "store/sql_run_store.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

TEST(Health, BothAnswerWithoutATokenAndOnlyToGet) {
  auto dir = fresh_test_dir("kiln-health");
  auto store = open_run_store(sqlite_url(dir));
  ASSERT_TRUE(store) << store.error().message;
  OrchestratorConfig config;
  config.operator_token = "operator-token-0123456789";
  ApiService api(**store, config);
  auto health = api.handle({"GET", "/healthz", "", ""});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
  auto ready = api.handle({"GET", "/readyz", "", ""});
  EXPECT_EQ(ready.status, 200) << ready.body.dump();
  EXPECT_EQ(ready.body["status"], "ready");
  EXPECT_EQ(api.handle({"POST", "/readyz", "", ""}).status, 405);
  EXPECT_EQ(api.handle({"GET", "/healthz/x", "", ""}).status, 404);
}

TEST(Health, ReadyWithAWritableStoreAndNoIronic) {
  auto dir = fresh_test_dir("kiln-health");
  auto store = open_run_store(sqlite_url(dir));
  ASSERT_TRUE(store) << store.error().message;
  auto r = readiness(**store, IronicSettings{});
  EXPECT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["status"], "ready");
  EXPECT_EQ(r.body["checks"]["store"], "ok");
  EXPECT_EQ(r.body["checks"]["ironic"], "not configured");
}

TEST(Health, IronicMustAnswerWhenConfigured) {
  auto dir = fresh_test_dir("kiln-health");
  auto store = open_run_store(sqlite_url(dir));
  ASSERT_TRUE(store) << store.error().message;
  testing::FakeIronic ironic("0b6a5ee5-0000-4000-8000-000000000001");
  IronicSettings settings;
  settings.url = ironic.url();
  auto down = readiness(**store, settings);  // not listening yet: refused
  EXPECT_EQ(down.status, 503) << down.body.dump();
  EXPECT_EQ(down.body["status"], "not_ready");
  EXPECT_EQ(down.body["checks"]["store"], "ok");
  EXPECT_NE(down.body["checks"]["ironic"].get<std::string>().find("127.0.0.1"), std::string::npos)
      << down.body.dump();
  ironic.listen();
  auto up = readiness(**store, settings);
  EXPECT_EQ(up.status, 200) << up.body.dump();
  EXPECT_EQ(up.body["checks"]["ironic"], "ok");
}

TEST(Health, AStoreThatRefusesWritesIsNotReady) {
  auto dir = fresh_test_dir("kiln-health");
  ASSERT_TRUE(open_run_store(sqlite_url(dir)));  // created and migrated, then closed
  auto conn = open_sqlite((dir / "kiln.db").string());
  ASSERT_TRUE(conn) << conn.error().message;
  ASSERT_TRUE((*conn)->exec_script("PRAGMA query_only = ON"));  // as a full or read-only disk would
  auto store = SqlRunStore::open(std::move(*conn));
  ASSERT_TRUE(store) << store.error().message;
  auto r = readiness(**store, IronicSettings{});
  EXPECT_EQ(r.status, 503) << r.body.dump();
  EXPECT_NE(r.body["checks"]["store"].get<std::string>().find("readonly"), std::string::npos)
      << r.body.dump();
}

}  // namespace
}  // namespace kiln::orchestrator
