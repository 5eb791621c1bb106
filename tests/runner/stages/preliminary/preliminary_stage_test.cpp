// CERN's preliminary rule: asset tag and serial set; serial matches DMI when required.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "stages/builtin_stages.hpp"

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

struct Harness {
  SystemHostAdapter host{"/nonexistent-root"};
  ResolvedConfig config;
  StageParams params = *StageParams::bind("preliminary", {}, {});
  StageRecord record;
  StepRecorder step{record, nullptr};
  RunOptions options;
  NodeIdentity node;

  Outcome run() {
    auto stage = make_preliminary_stage();
    StageContext ctx{host, config, params, step, options, node, "/tmp", nullptr};
    stage->run(ctx);
    return step.outcome();
  }
};

TEST(PreliminaryStage, PassesWithTagAndSerial) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-2026-0042";
  h.node.fru.product_serial = "KILN-DEMO-0001";
  h.config.delivery_matched = true;
  EXPECT_EQ(h.run(), Outcome::pass());
}

TEST(PreliminaryStage, EmptyAssetTagFails) {
  Harness h;
  h.node.fru.product_serial = "SN1";
  EXPECT_EQ(h.run(), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-FRU-ASSET-TAG-MISSING",
                      "the BMC FRU's Product Asset Tag is empty, so the node cannot be traced to "
                      "its delivery or purchase order \u2014 write the delivery / purchase order "
                      "number into the BMC FRU (ipmitool fru edit 0 field p 5 TAG) and run the "
                      "burn-in again");
  ASSERT_EQ(h.record.diagnoses.size(), 1U);
  EXPECT_EQ(h.record.diagnoses[0].component, "FRU");
}

TEST(PreliminaryStage, EmptySerialFails) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "  ";
  EXPECT_EQ(h.run(), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-FRU-SERIAL-MISSING",
                      "the BMC FRU's Product Serial is empty, so the node cannot be traced to its "
                      "invoice \u2014 have the vendor program the chassis serial into the BMC FRU "
                      "and run the burn-in again");
}

TEST(PreliminaryStage, PlaceholderSerialFails) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "To Be Filled By O.E.M.";
  EXPECT_EQ(h.run(), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-FRU-SERIAL-MISSING",
                      "the BMC FRU's Product Serial is a placeholder ('To Be Filled By O.E.M.'), "
                      "so the node cannot be traced to its invoice \u2014 have the vendor program "
                      "the chassis serial into the BMC FRU and run the burn-in again");
}

TEST(PreliminaryStage, SerialMustMatchDmiWhenRequired) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "SN1";
  h.node.dmi_system_serial = "SN9";
  h.config.require_serial_match_dmi = true;
  EXPECT_EQ(h.run(), Outcome::fail());
  KILN_EXPECT_FAILURE(h.record, "KILN-FRU-SERIAL-MISMATCH",
                      "the BMC FRU's Product Serial 'SN1' differs from the DMI system serial "
                      "'SN9': the FRU or the board was swapped \u2014 check both against the "
                      "chassis label and have the vendor reprogram the wrong one");
}

TEST(PreliminaryStage, MatchingDmiSerialPasses) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "SN1";
  h.node.dmi_system_serial = "SN1";
  h.config.delivery_matched = true;
  h.config.require_serial_match_dmi = true;
  EXPECT_EQ(h.run(), Outcome::pass());
}

TEST(PreliminaryStage, UnreadableDmiIsAnErrorNotAFail) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "SN1";
  h.node.dmi_error = "dmidecode -t 1: exit 1: /dev/mem: No such file or directory";
  h.config.require_serial_match_dmi = true;
  EXPECT_EQ(h.run(), Outcome::error());
  ASSERT_EQ(h.record.errors.size(), 1U);
  EXPECT_THAT(h.record.errors[0].message, HasSubstr("/dev/mem"));
}

}  // namespace
}  // namespace kiln::runner
