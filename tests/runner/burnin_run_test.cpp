// A whole run through execute_run: stage order, a throwing stage becomes
// ERROR without hiding the next, the run verdict, and the report's content.
#include "run/burnin_run.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kiln/limits_catalog.hpp"
#include "report/report_json.hpp"
#include "runner/failure_code_ledger.hpp"

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

class ScriptedStage final : public Stage {
 public:
  ScriptedStage(std::string name, std::function<void(StageContext&)> body,
                std::vector<catalog::ComponentIdentity> parts)
      : info_{std::move(name), "scripted", {}, false},
        body_(std::move(body)),
        parts_(std::move(parts)) {}
  const StageInfo& info() const override { return info_; }
  void run(StageContext& ctx) override { body_(ctx); }
  std::vector<catalog::ComponentIdentity> components(HostAdapter&, const StageParams&,
                                                     const RunOptions&) override {
    return parts_;
  }

 private:
  StageInfo info_;
  std::function<void(StageContext&)> body_;
  std::vector<catalog::ComponentIdentity> parts_;
};

PlannedStage planned(std::string name, std::function<void(StageContext&)> body,
                     std::vector<catalog::ComponentIdentity> parts = {}) {
  auto stage = std::make_unique<ScriptedStage>(name, std::move(body), std::move(parts));
  StageInfo info = stage->info();
  return PlannedStage{StageEntry{name, {}, {}}, info, *StageParams::bind(name, {}, {}),
                      std::move(stage)};
}

struct RunHarness {
  SystemHostAdapter host{"/nonexistent-root"};
  RunPlan plan;
  std::vector<nlohmann::json> lines;
  ocptv::Writer writer{[this](const std::string& l) { lines.push_back(nlohmann::json::parse(l)); }};
  RunOptions options;
  NodeIdentity node;

  RunHarness() {
    plan.config.delivery_tag = "PO-1";
    plan.config.delivery_matched = true;
    plan.config.profile.name = "quick";
    plan.config.hash = std::string(64, 'a');
    plan.config.limits["disk.reallocated_sectors_delta_max"] = 0;
    options.out_dir = std::filesystem::temp_directory_path() / "kiln-run-test";
    node.fru.product_serial = "SN1";
    node.fru.product_asset_tag = "PO-1";
  }
  RunRecord run() { return execute_run(host, plan, node, options, writer, "kiln-runner run", {}); }
};

TEST(BurninRun, ErrorDoesNotHideLaterFailAndFailWins) {
  RunHarness h;
  h.plan.stages.push_back(planned("first", [](StageContext& ctx) { ctx.step.info("fine"); }));
  h.plan.stages.push_back(
      planned("crashes", [](StageContext&) { throw std::runtime_error("boom"); }));
  h.plan.stages.push_back(planned("disk", [](StageContext& ctx) {
    ctx.step.measurement(
        measure("reallocated_sectors_delta", 12.0, "sectors", "disk S3Z9NX0K",
                {*configured_limit(ctx.config, "disk.reallocated_sectors_delta_max")}));
  }));
  RunRecord r = h.run();
  ASSERT_EQ(r.stages.size(), 3U);
  EXPECT_EQ(r.stages[0].outcome, Outcome::pass());
  EXPECT_EQ(r.stages[1].outcome, Outcome::error());
  EXPECT_THAT(r.stages[1].errors[0].message, HasSubstr("boom"));
  EXPECT_EQ(r.stages[2].outcome, Outcome::fail());
  EXPECT_EQ(r.outcome, Outcome::fail());
  EXPECT_EQ(exit_code_for(r.outcome), 1);

  auto report = build_report(r);
  EXPECT_EQ(report["verdict"], "FAIL");
  ASSERT_EQ(report["limits_checked"].size(), 1U);
  EXPECT_EQ(report["limits_checked"][0]["passed"], false);
  EXPECT_EQ(report["limits_checked"][0]["component"], "disk S3Z9NX0K");
  ASSERT_EQ(report["failures"].size(), 1U);
  // A failed limit no diagnosis explains, in the catalog's words.
  EXPECT_EQ(report["failures"][0],
            "KILN-LIMIT-NOT-MET: disk disk S3Z9NX0K: reallocated_sectors_delta = 12 sectors; the "
            "tender requires <= 0 sectors (limits.disk.reallocated_sectors_delta_max) \u2014 see "
            "what the stage measures in docs/stages.md and check the part it names");
  testing::note_failure_checked("KILN-LIMIT-NOT-MET");
  EXPECT_THAT(verdict_table(r), HasSubstr("crashes"));

  // The stream: schemaVersion, run start, 3 steps, run end.
  EXPECT_TRUE(h.lines.front().contains("schemaVersion"));
  EXPECT_EQ(h.lines.back()["testRunArtifact"]["testRunEnd"]["result"], "FAIL");
}

// A disk as disk_identity() reads it from sysfs on a SATA port.
catalog::ComponentIdentity sata_disk() {
  catalog::ComponentIdentity d;
  d.kind = "disk";
  d.name = "sda";
  d.model = "KILN-SATA-960G";
  d.serial = "KILN-SATA-BAD7";
  d.firmware = "1.0";
  d.location = "ATA port 3";
  d.device = "/dev/sda";
  return d;
}

TEST(BurninRun, TestedPartsAreDeclaredInTheDutInfoAndReferencedByTheirFigures) {
  RunHarness h;
  h.plan.config.limits["disk.bad_blocks_max"] = 0;
  const auto disk = sata_disk();
  h.plan.stages.push_back(
      planned("disk",
              [&](StageContext& ctx) {
                auto m = measure("bad_blocks", 1.0, "blocks", disk,
                                 {*configured_limit(ctx.config, "disk.bad_blocks_max")});
                ctx.step.measurement(m);
                ctx.step.fail("KILN-DISK-BAD-BLOCKS",
                              {{"bad_blocks", "1 bad block"}, {"allowed", "0"}}, disk);
              },
              {disk}));
  RunRecord r = h.run();
  const auto& dut = h.lines[1]["testRunArtifact"]["testRunStart"]["dutInfo"];
  const nlohmann::json* declared = nullptr;
  for (const auto& hw : dut["hardwareInfos"]) {
    if (hw["hardwareInfoId"] == "disk-sda") declared = &hw;
  }
  ASSERT_NE(declared, nullptr) << dut.dump();
  EXPECT_EQ((*declared)["serialNumber"], "KILN-SATA-BAD7");
  EXPECT_EQ((*declared)["partNumber"], "KILN-SATA-960G");
  EXPECT_EQ((*declared)["version"], "1.0");
  EXPECT_EQ((*declared)["location"], "ATA port 3");
  EXPECT_EQ((*declared)["partType"], "disk");
  int referenced = 0;
  for (const auto& line : h.lines) {
    const auto* step = line.contains("testStepArtifact") ? &line["testStepArtifact"] : nullptr;
    if (step == nullptr) continue;
    for (const char* kind : {"measurement", "diagnosis"}) {
      if (step->contains(kind)) {
        EXPECT_EQ((*step)[kind]["hardwareInfoId"], "disk-sda") << line.dump();
        ++referenced;
      }
    }
  }
  EXPECT_EQ(referenced, 2);
  // The same code and words in report.json: the diagnosis, and the failure
  // line the Ironic maintenance reason and kilnctl show; the limit it
  // explains is not listed twice.
  auto report = build_report(r);
  const std::string words =
      "disk KILN-SATA-BAD7 (/dev/sda, ATA port 3): badblocks found 1 bad block; the tender allows "
      "0 \u2014 replace the disk";
  const auto& diagnosis = report["stages"][0]["diagnoses"][0];
  EXPECT_EQ(diagnosis["verdict"], "KILN-DISK-BAD-BLOCKS");
  EXPECT_EQ(diagnosis["message"], words);
  EXPECT_EQ(diagnosis["hardware"]["serialNumber"], "KILN-SATA-BAD7");
  EXPECT_EQ(report["stages"][0]["measurements"][0]["hardware"]["location"], "ATA port 3");
  ASSERT_EQ(report["failures"].size(), 1U) << report["failures"].dump();
  EXPECT_EQ(report["failures"][0], "KILN-DISK-BAD-BLOCKS: " + words);
}

TEST(BurninRun, ErrorOnlyGivesErrorVerdictAndExitTwo) {
  RunHarness h;
  h.plan.stages.push_back(
      planned("a", [](StageContext& ctx) { ctx.step.error("tool-timeout", "stress-ng hung"); }));
  h.plan.stages.push_back(planned("b", [](StageContext& ctx) { ctx.step.info("ok"); }));
  RunRecord r = h.run();
  EXPECT_EQ(r.outcome, Outcome::error());
  EXPECT_EQ(exit_code_for(r.outcome), 2);
  EXPECT_EQ(r.stages[1].outcome, Outcome::pass());
}

TEST(BurninRun, AbortSkipsRemainingStages) {
  RunHarness h;
  std::atomic<bool> stop{false};
  h.plan.stages.push_back(planned("a", [&stop](StageContext& ctx) {
    ctx.step.info("ok");
    stop = true;
  }));
  h.plan.stages.push_back(
      planned("b", [](StageContext& ctx) { ctx.step.error("x", "should not run"); }));
  RunRecord r = execute_run(h.host, h.plan, h.node, h.options, h.writer, "", {}, &stop);
  EXPECT_EQ(r.stages[1].outcome, Outcome::skip());
  EXPECT_THAT(r.stages[1].skip_reason, HasSubstr("aborted"));
}

TEST(BurninRun, DefaultDeliveryIsSaidInReportAndStream) {
  RunHarness h;
  h.plan.config.delivery_matched = false;
  h.plan.config.delivery_tag = "default";
  h.plan.config.asset_tag = "PO-UNKNOWN";
  h.plan.stages.push_back(planned("a", [](StageContext& ctx) { ctx.step.info("ok"); }));
  RunRecord r = h.run();
  auto report = build_report(r);
  EXPECT_EQ(report["delivery"]["matched"], false);
  EXPECT_THAT(report["delivery"]["note"].get<std::string>(), HasSubstr("PO-UNKNOWN"));
  bool warned = false;
  for (const auto& l : h.lines) {
    if (l.contains("testRunArtifact") && l["testRunArtifact"].contains("log")) {
      warned |= l["testRunArtifact"]["log"]["message"].get<std::string>().find("PO-UNKNOWN") !=
                std::string::npos;
    }
  }
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace kiln::runner

namespace kiln::runner::testing {
namespace {

// `watchdog: true` with a BMC kiln cannot reach: the stream says, as an
// ERROR, that hangs will not be reset, and the burn-in still runs.
TEST(BurninRun, AWatchdogThatCannotBeArmedIsSaidAndTheRunGoesOn) {
  RunHarness h;
  h.plan.config.watchdog = true;
  h.options.bmc_host = "bmc.example:notaport";
  h.plan.stages.push_back(planned("a", [](StageContext& ctx) { ctx.step.info("ok"); }));
  RunRecord r = h.run();
  EXPECT_EQ(r.stages[0].outcome, Outcome::pass());
  std::string said;
  for (const auto& l : h.lines) {
    if (l.contains("testRunArtifact") && l["testRunArtifact"].contains("log") &&
        l["testRunArtifact"]["log"]["severity"] == "ERROR") {
      said += l["testRunArtifact"]["log"]["message"].get<std::string>();
    }
  }
  EXPECT_THAT(said, HasSubstr("watchdog: true, but the BMC watchdog was not armed"));
  EXPECT_THAT(said, HasSubstr("notaport"));
}

}  // namespace
}  // namespace kiln::runner::testing
