// A run's boot id and events (unexpected reboots, runner restarts), on both
// RunStore backends (docs/reboots.md).
#include <gtest/gtest.h>

#include "store/run_store.hpp"
#include "store_backend_test.hpp"

namespace kiln::orchestrator {
namespace {

class RunEventsTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open_store();
    ASSERT_TRUE(store_);
    RunRow run;
    run.id = "run-1";
    run.node_uuid = "node-a";
    run.token_hash = "hash-run-1";
    run.state = "registered";
    ASSERT_TRUE(store_->create_run(run));
  }
  void TearDown() override {
    store_.reset();
    StoreBackendTest::TearDown();
  }
  static ArtifactLine line(long long seq, const std::string& text = "x") {
    return ArtifactLine{
        seq, "{\"sequenceNumber\":" + std::to_string(seq) + ",\"text\":\"" + text + "\"}",
        std::nullopt, std::nullopt};
  }
  static RunEvent reboot(const std::string& detail) {
    return RunEvent{"run-1", 0, "unexpected_reboot", "", detail};
  }

  std::unique_ptr<RunStore> store_;
};

TEST_P(RunEventsTest, TheFirstBootIdIsKept) {
  ASSERT_TRUE(store_->set_runner("run-1", "boot-a", "proc-1"));
  EXPECT_EQ((*store_->find_run("run-1"))->boot_id, "boot-a");
  EXPECT_EQ((*store_->find_run("run-1"))->runner_instance, "proc-1");
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->boot_id, "boot-a");
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->runner_instance, "proc-1");
}

TEST_P(RunEventsTest, ARebootClosesTheStreamWhereItStandsAndIsRecordedInOrder) {
  ASSERT_TRUE(store_->set_runner("run-1", "boot-a", "proc-1"));
  // Line 2 never arrived: the old boot took it down with its ramdisk.
  ASSERT_TRUE(store_->ingest("run-1", {line(0), line(1), line(3)}));
  EXPECT_EQ((*store_->find_run("run-1"))->acked_seq, 1);
  auto first = store_->record_boot_event(reboot(R"({"stage":"memory"})"), "boot-b", "proc-2");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->seq, 0);
  EXPECT_EQ(first->acknowledged, 3);
  EXPECT_EQ(first->lost, 1);
  EXPECT_FALSE(first->at.empty());
  auto run = store_->find_run("run-1");
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->boot_id, "boot-b");
  EXPECT_EQ((*run)->runner_instance, "proc-2");
  EXPECT_EQ((*run)->acked_seq, 3);
  EXPECT_EQ((*store_->find_run_for_batch("run-1"))->boot_id, "boot-b");
  // The new boot continues after the closed stream, without a gap.
  auto next = store_->ingest("run-1", {line(4), line(5)});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->acknowledged, 5);
  EXPECT_EQ(next->stored, 2);
  auto second = store_->record_boot_event(
      RunEvent{"run-1", 0, "runner_restart", "", R"({"stage":"cpu"})"}, "boot-b", "proc-3");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->seq, 1);
  EXPECT_EQ(second->acknowledged, 5);
  EXPECT_EQ(second->lost, 0);
  auto events = store_->run_events("run-1");
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 2U);
  EXPECT_EQ((*events)[0].kind, "unexpected_reboot");
  EXPECT_EQ((*events)[0].detail, R"({"stage":"memory"})");
  EXPECT_EQ((*events)[0].acknowledged, 3);
  EXPECT_EQ((*events)[0].lost, 1);
  EXPECT_EQ((*events)[1].kind, "runner_restart");
  EXPECT_EQ((*events)[1].seq, 1);
  EXPECT_TRUE(store_->run_events("run-other")->empty());
}

TEST_P(RunEventsTest, ARebootOfAnUnknownRunStoresNothing) {
  auto missing = store_->record_boot_event(RunEvent{"run-x", 0, "unexpected_reboot", "", "{}"},
                                           "boot-b", "proc-2");
  EXPECT_FALSE(missing);
  EXPECT_TRUE(store_->run_events("run-x")->empty());
}

TEST_P(RunEventsTest, ArtifactsContainingMatchesTheTextLiterally) {
  ASSERT_TRUE(store_->ingest("run-1", {line(0, "kiln.stage-outcome"), line(1, "50%_done"),
                                       line(2, "50 percent"), line(3, "kiln.stage-outcome")}));
  auto outcomes = store_->artifacts_containing("run-1", "kiln.stage-outcome");
  ASSERT_TRUE(outcomes) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 2U);
  EXPECT_EQ((*outcomes)[0].seq, 0);
  EXPECT_EQ((*outcomes)[1].seq, 3);
  // % and _ are no wildcards here.
  auto percent = store_->artifacts_containing("run-1", "50%_");
  ASSERT_TRUE(percent);
  ASSERT_EQ(percent->size(), 1U);
  EXPECT_EQ((*percent)[0].seq, 1);
  EXPECT_TRUE(store_->artifacts_containing("run-other", "x")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RunEventsTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace kiln::orchestrator
