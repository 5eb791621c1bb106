// CERN's preliminary rule: asset tag and serial set; serial matches DMI when required.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  std::string first_failure() const {
    for (const auto& d : record.diagnoses) {
      if (d.type == DiagnosisType::kFail) return d.verdict + ": " + d.message;
    }
    return {};
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
  EXPECT_THAT(h.first_failure(), HasSubstr("fru-asset-tag-missing"));
  EXPECT_THAT(h.first_failure(), HasSubstr("ipmitool fru edit"));
}

TEST(PreliminaryStage, PlaceholderSerialFails) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "To Be Filled By O.E.M.";
  EXPECT_EQ(h.run(), Outcome::fail());
  EXPECT_THAT(h.first_failure(), HasSubstr("placeholder"));
}

TEST(PreliminaryStage, SerialMustMatchDmiWhenRequired) {
  Harness h;
  h.node.fru.product_asset_tag = "PO-1";
  h.node.fru.product_serial = "SN1";
  h.node.dmi_system_serial = "SN9";
  h.config.require_serial_match_dmi = true;
  EXPECT_EQ(h.run(), Outcome::fail());
  EXPECT_THAT(h.first_failure(), HasSubstr("'SN1' differs from DMI system serial 'SN9'"));
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
