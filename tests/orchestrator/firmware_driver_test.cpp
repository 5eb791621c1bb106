// The Ironic driver flagging a node that runs a minority firmware value of
// its delivery (a systematic finding): trait CUSTOM_KILN_FIRMWARE_MINORITY and
// the finding in extra.kiln.firmware_findings, whatever its verdict; a node
// running the batch's value gets neither.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "driver_test_fixture.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kNode = "7a2c0e4b-11d3-4c5e-9f60-3b1d2e4f5a61";

std::string report_with_bios(const std::string& bios) {
  return nlohmann::json{{"verdict", "PASS"},
                        {"failures", nlohmann::json::array()},
                        {"stages", nlohmann::json::array()},
                        {"firmware", {{"bios", {{"vendor", "Dell Inc."}, {"version", bios}}}}}}
      .dump();
}

class FirmwareDriverTest : public DriverTest<> {
 protected:
  FirmwareDriverTest() : DriverTest(kNode) {}
  void SetUp() override {
    open_store("kiln-firmware-driver");
    for (int i = 0; i < 4; ++i) {  // four batch mates on BIOS 2.17.1, burnt in without Ironic
      const std::string uuid = fmt::format("mate-{}", i);
      ASSERT_TRUE(store_->upsert_node({uuid, "PO-2026-0042", fmt::format("S{}", i), "", {}, ""}));
      RunRow run;
      run.id = "run-" + uuid;
      run.node_uuid = uuid;
      run.token_hash = "hash-" + uuid;
      ASSERT_TRUE(store_->create_run(run));
      ASSERT_TRUE(store_->store_report(run.id, report_with_bios("2.17.1"), "PASS"));
    }
    ASSERT_TRUE(store_->upsert_node({kNode, "PO-2026-0042", "S9", "", {}, ""}));
    ASSERT_TRUE(store_->create_run(unstarted_run("run-1", kNode)));
  }
  void run_with_bios(const std::string& bios) {
    ironic_.listen();
    ApiService api(*store_, config_);
    BurninDriver driver(*store_, api.endpoint(), config_.ironic);
    ASSERT_TRUE(drive_to(driver, "run-1", "running"));
    ASSERT_TRUE(store_->store_report("run-1", report_with_bios(bios), "PASS"));
    ASSERT_TRUE(drive_to(driver, "run-1", "done"));
  }
};

TEST_F(FirmwareDriverTest, AMinorityBiosIsFlaggedOnTheNode) {
  ASSERT_NO_FATAL_FAILURE(run_with_bios("2.12.0"));
  std::lock_guard lock(ironic_.mu);
  const auto& extra = ironic_.node["extra"]["kiln"];
  ASSERT_EQ(extra["firmware_findings"].size(), 1U) << extra.dump();
  EXPECT_EQ(extra["firmware_findings"][0],
            fmt::format("BIOS version 2.12.0 on 1 of 5 nodes ({} (S9)) while 4 run 2.17.1: not "
                        "uniform across the delivery",
                        kNode));
  EXPECT_EQ(extra["verdict"], "PASS");
  EXPECT_EQ(ironic_.node["traits"],
            nlohmann::json::array({"CUSTOM_KILN_PASSED", "CUSTOM_KILN_FIRMWARE_MINORITY"}));
}

TEST_F(FirmwareDriverTest, TheBatchsValueIsNotFlagged) {
  ASSERT_NO_FATAL_FAILURE(run_with_bios("2.17.1"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_FALSE(ironic_.node["extra"]["kiln"].contains("firmware_findings"));
  EXPECT_EQ(ironic_.node["traits"], nlohmann::json::array({"CUSTOM_KILN_PASSED"}));
}

}  // namespace
}  // namespace kiln::orchestrator
