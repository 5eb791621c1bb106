#include "agent/interrupted_step.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "run/reboot_evidence.hpp"
#include "runner/failure_code_ledger.hpp"

namespace kiln::runner::agent {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// driver_internal_info as Ironic 21.4's lookup shows it during a manual
// cleaning of kiln_burnin (agent_secret_token masked).
json cleaning(int index) {
  return json::parse(R"({
    "agent_url": "http://127.0.0.1:41231", "agent_version": "kiln-0.1.0",
    "agent_last_heartbeat": "2026-12-03T16:40:12.123456",
    "agent_secret_token": "******",
    "clean_steps": [
      {"interface": "deploy", "step": "erase_devices_metadata", "abortable": true, "priority": 0, "args": {}},
      {"interface": "deploy", "step": "kiln_burnin", "abortable": true, "priority": 0,
       "args": {"profile": "burnin"}}],
    "agent_cached_clean_steps": {}, "clean_step_index": 0})")
      .patch(json::array({{{"op", "replace"}, {"path", "/clean_step_index"}, {"value", index}}}));
}

TEST(InterruptedStep, TheKilnStepAtTheCleanStepIndex) {
  auto step = interrupted_step(cleaning(1));
  ASSERT_TRUE(step);
  EXPECT_EQ(step->kind, "clean");
  EXPECT_EQ(step->name, "kiln_burnin");
  EXPECT_EQ(step->id, "deploy.kiln_burnin");
  EXPECT_EQ(step->step["args"]["profile"], "burnin");
  EXPECT_EQ(step->last_heartbeat, "2026-12-03T16:40:12.123456");
}

TEST(InterruptedStep, NoneBeforeAStepRanForAnotherAgentsStepOrAnIronicReboot) {
  auto fresh = cleaning(1);
  fresh.erase("clean_step_index");
  EXPECT_FALSE(interrupted_step(fresh)) << "a cleaning that has not started a step yet";
  EXPECT_FALSE(interrupted_step(cleaning(0))) << "IPA's erase_devices_metadata is not kiln's";
  auto rebooted = cleaning(1);
  rebooted["cleaning_reboot"] = true;
  EXPECT_FALSE(interrupted_step(rebooted)) << "Ironic rebooted the node on purpose";
  EXPECT_FALSE(interrupted_step(cleaning(7))) << "an index past the list";
  EXPECT_FALSE(interrupted_step(json::object()));
  EXPECT_FALSE(interrupted_step(json("not an object")));
  auto other = cleaning(1);
  other["clean_steps"][1]["interface"] = "raid";
  EXPECT_FALSE(interrupted_step(other));
}

TEST(InterruptedStep, DeployStepsToo) {
  json dii{{"deploy_steps", {{{"interface", "deploy"}, {"step", "burnin_cpu"}, {"priority", 90}}}},
           {"deploy_step_index", 0}};
  auto step = interrupted_step(dii);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->kind, "deploy");
  EXPECT_EQ(step->id, "deploy.burnin_cpu");
  dii["deployment_reboot"] = true;
  EXPECT_FALSE(interrupted_step(dii));
}

TEST(InterruptedStep, AResetFailsTheStepWithTheCatalogsWordsAndTheEvidence) {
  auto step = *interrupted_step(cleaning(1));
  auto out = interrupted_step_output(
      step, false, "SEL: Memory ECC Uncorr Err, Uncorrectable ECC (DIMM B2) Asserted");
  EXPECT_EQ(out.status, CommandStatus::kFailed);
  EXPECT_EQ(out.details,
            "KILN-STEP-UNEXPECTED-REBOOT: the node reset during Ironic's clean step "
            "deploy.kiln_burnin (last heartbeat of the earlier boot 2026-12-03T16:40:12.123456 "
            "UTC); SEL: Memory ECC Uncorr Err, Uncorrectable ECC (DIMM B2) Asserted — replace the "
            "part the evidence names (the DIMM of an uncorrectable ECC event, the PSU of a power "
            "event, the CPU of a machine check) and run the cleaning again; with no evidence, "
            "check the power feeds and the BMC's event log by hand");
  EXPECT_EQ(out.result["verdict"], "FAIL");
  testing::note_failure_checked("KILN-STEP-UNEXPECTED-REBOOT");
}

TEST(InterruptedStep, AnAgentRestartOnTheSameBootIsAHarnessError) {
  auto out = interrupted_step_output(*interrupted_step(cleaning(1)), true, "");
  EXPECT_EQ(out.status, CommandStatus::kFailed);
  EXPECT_EQ(out.error_type, "KilnHarnessError");
  EXPECT_THAT(out.details, HasSubstr("not a hardware failure"));
  EXPECT_THAT(out.details, HasSubstr("restarted during clean step deploy.kiln_burnin"));
}

TEST(StepMarker, WrittenReadAndRemoved) {
  auto dir = std::filesystem::temp_directory_path() / "kiln-step-marker-test";
  std::filesystem::create_directories(dir);
  write_step_marker(dir, {"boot-a", "deploy.kiln_burnin", "2026-12-03T10:00:00Z"});
  auto m = read_step_marker(dir);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->boot_id, "boot-a");
  EXPECT_EQ(m->step_id, "deploy.kiln_burnin");
  EXPECT_EQ(m->started, "2026-12-03T10:00:00Z");
  remove_step_marker(dir);
  EXPECT_FALSE(read_step_marker(dir));
  std::filesystem::remove_all(dir);
}

TEST(StepMarker, TheSelWindowStartsAtTheMarkerElseAnHourBeforeTheLastHeartbeat) {
  auto step = *interrupted_step(cleaning(1));
  auto from_marker = evidence_since(StepMarker{"b", step.id, "2026-12-03T10:00:00Z"}, step);
  EXPECT_EQ(from_marker, rfc3339_time("2026-12-03T10:00:00Z"));
  EXPECT_EQ(evidence_since(std::nullopt, step), rfc3339_time("2026-12-03T15:40:12Z"));
  step.last_heartbeat.clear();
  EXPECT_FALSE(evidence_since(std::nullopt, step));
}

}  // namespace
}  // namespace kiln::runner::agent
