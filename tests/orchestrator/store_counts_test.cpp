// The store's grouped counts of GET /v1/deliveries on both backends: each
// delivery's nodes by their latest decommission run and its certificate, in
// one GROUP BY for every delivery (decommission_counts).
#include <gtest/gtest.h>

#include "store/run_store.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

class StoreCountsTest : public StoreBackendTest {
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
  // A run of `kind`; with a verdict it is reported (so the node may get another).
  void run(const std::string& id, const std::string& node, const std::string& kind,
           const std::string& verdict) {
    RunRow r;
    r.id = id;
    r.node_uuid = node;
    r.token_hash = "hash-" + id;
    r.kind = kind;
    ASSERT_TRUE(store_->create_run(r));
    if (!verdict.empty()) {
      ASSERT_TRUE(store_->store_report(id, "{}", verdict));
    }
  }
  void certify(const std::string& run_id, const std::string& node) {
    auto stored = store_->store_certificate(
        {run_id, node, "sha-" + run_id, "key", R"({"certificate":1})", "2026-12-04T10:00:00Z"});
    ASSERT_TRUE(stored) << stored.error().message;
    ASSERT_TRUE(*stored);
  }

  std::unique_ptr<RunStore> store_;
};

TEST_P(StoreCountsTest, DecommissionsAreCountedByEachNodesLatestRunAndItsCertificate) {
  for (const auto& [uuid, tag] : std::vector<std::pair<std::string, std::string>>{{"n1", "PO-1"},
                                                                                  {"n2", "PO-1"},
                                                                                  {"n3", "PO-1"},
                                                                                  {"n4", "PO-1"},
                                                                                  {"n5", "PO-1"},
                                                                                  {"n6", "PO-2"},
                                                                                  {"n7", ""},
                                                                                  {"n8", "PO-3"}}) {
    ASSERT_TRUE(store_->upsert_node({uuid, tag, "S", "D", {}, ""}));
  }
  run("d1-old", "n1", "decommission", "FAIL");
  run("d1", "n1", "decommission", "PASS");  // the newest counts: wiped and certified
  certify("d1", "n1");
  run("d2", "n2", "decommission", "PASS");  // wiped, no certificate
  run("d3-old", "n3", "decommission", "PASS");
  certify("d3-old", "n3");
  run("d3", "n3", "decommission", "ERROR");  // failed; the older one's certificate is not its
  run("b4", "n4", "burnin", "PASS");
  run("d4", "n4", "decommission", "");  // running
  run("b5", "n5", "burnin", "FAIL");    // never decommissioned: not counted
  run("d6", "n6", "decommission", "FAIL");
  run("d7", "n7", "decommission", "PASS");  // no asset tag: no delivery
  run("b8", "n8", "burnin", "PASS");        // PO-3: no decommission, no row

  auto all = store_->decommission_counts(std::nullopt);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2U);
  const auto& po1 = (*all)[0];
  EXPECT_EQ(po1.tag, "PO-1");
  EXPECT_EQ(po1.nodes, 4);
  EXPECT_EQ(po1.wiped, 2);
  EXPECT_EQ(po1.certified, 1);
  EXPECT_EQ(po1.failed, 1);
  EXPECT_EQ(po1.running, 1);
  const auto& po2 = (*all)[1];
  EXPECT_EQ(po2.tag, "PO-2");
  EXPECT_EQ(po2.nodes, 1);
  EXPECT_EQ(po2.wiped, 0);
  EXPECT_EQ(po2.failed, 1);

  auto one = store_->decommission_counts(std::string("PO-2"));
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->size(), 1U);
  EXPECT_EQ((*one)[0].tag, "PO-2");
  EXPECT_EQ((*one)[0].failed, 1);
  auto none = store_->decommission_counts(std::string("PO-3"));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCountsTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
