// A run continued after an unexpected reboot (docs/reboots.md): the resume
// answer parsed, the stages an earlier boot finished carried and never run,
// the interrupted one judged by on_unexpected_reboot with the evidence the
// next boot finds (SEL, pstore, EDAC), and report.json listing the reboots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kiln_test_paths.hpp"
#include "report/report_json.hpp"
#include "run/burnin_run.hpp"
#include "run/reboot_stage.hpp"
#include "runner/failure_code_ledger.hpp"
#include "runner/fake_host.hpp"
#include "runner/tools/tool_test_data.hpp"

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

class CountingStage final : public Stage {
 public:
  CountingStage(std::string name, int& runs)
      : info_{std::move(name), "counted", {}, false}, runs_(runs) {}
  const StageInfo& info() const override { return info_; }
  void run(StageContext& ctx) override {
    ++runs_;
    ctx.step.pass("ok", "fine");
  }

 private:
  StageInfo info_;
  int& runs_;
};

// preliminary finished FAIL on boot A; memory was at 45 %, 3 h 12 min in.
nlohmann::json register_answer(const std::string& kind, const std::string& policy,
                               int earlier_reboots_in_memory = 0) {
  nlohmann::json interrupted{{"stage", "memory"},
                             {"progress", 45.0},
                             {"stage_started", "2026-12-03T09:00:31.000001Z"},
                             {"last_heard", "2026-12-03T12:12:31Z"},
                             {"elapsed_s", 3 * 3600 + 12 * 60}};
  nlohmann::json events = nlohmann::json::array();
  for (int i = 0; i < earlier_reboots_in_memory; ++i)
    events.push_back({{"seq", i}, {"kind", "unexpected_reboot"}, {"interrupted", interrupted}});
  events.push_back({{"seq", earlier_reboots_in_memory},
                    {"kind", kind},
                    {"at", "2026-12-03T12:16:02Z"},
                    {"boot_id", "boot-b"},
                    {"previous_boot_id", "boot-a"},
                    {"interrupted", interrupted},
                    {"policy", policy}});
  return {{"run_id", "run-1"},
          {"resume",
           {{"kind", kind},
            {"next_sequence", 412},
            {"policy", policy},
            {"run_started", "2026-12-03T08:59:00Z"},
            {"completed_stages",
             {{{"stage", "preliminary"},
               {"status", "COMPLETE"},
               {"result", "FAIL"},
               {"failures", {"KILN-FRU-SERIAL-MISSING: the BMC FRU's Product Serial is empty"}},
               {"started", "2026-12-03T08:59:10Z"},
               {"ended", "2026-12-03T09:00:30Z"}}}},
            {"interrupted", interrupted},
            {"events", events}}}};
}

struct ResumeHarness {
  testing::FakeHostAdapter host;
  RunPlan plan;
  std::vector<nlohmann::json> lines;
  ocptv::Writer writer{[this](const std::string& l) { lines.push_back(nlohmann::json::parse(l)); }};
  RunOptions options;
  NodeIdentity node;
  std::map<std::string, int> runs;

  // `evidence`: the BMC's SEL holds the ECC events and pstore the panic.
  explicit ResumeHarness(bool evidence = true) {
    plan.config.delivery_tag = "PO-1";
    plan.config.profile.name = "quick";
    plan.config.hash = std::string(64, 'a');
    options.out_dir = std::filesystem::temp_directory_path() / "kiln-reboot-test";
    for (const char* name : {"preliminary", "memory", "cpu"}) {
      runs[name] = 0;
      auto stage = std::make_unique<CountingStage>(name, runs[name]);
      StageInfo info = stage->info();
      plan.stages.push_back(PlannedStage{StageEntry{name, {}, {}}, info,
                                         *StageParams::bind(name, {}, {}), std::move(stage)});
    }
    if (!evidence) {
      host.on({"ipmitool", "sel"},
              testing::FakeHostAdapter::exited(1, "", "Could not open device at /dev/ipmi0"));
      return;
    }
    host.on({"ipmitool", "sel"},
            testing::FakeHostAdapter::exited(
                0, tools::testing::data_file(
                       "ipmitool-sel", "kiln-written-uncorrectable-ecc-dimm-b2-psu-elist.txt")));
    host.add_dir("/sys/fs/pstore");
    host.set_file("/sys/fs/pstore/dmesg-efi-170159865601001",
                  tools::testing::data_file("pstore", "dmesg-efi-170159865601001"));
  }
  RunRecord run(const nlohmann::json& answer) {
    auto resume = parse_resume(answer);
    EXPECT_TRUE(resume && *resume) << (resume ? "no resume" : resume.error().message);
    return execute_run(host, plan, node, options, writer, "kiln-runner run", {}, nullptr,
                       resume && *resume ? &**resume : nullptr);
  }
  // The stage-outcome extensions streamed, by stage.
  std::vector<std::string> outcome_stages() const {
    std::vector<std::string> out;
    for (const auto& l : lines) {
      const auto* ext =
          l.contains("testStepArtifact") && l["testStepArtifact"].contains("extension")
              ? &l["testStepArtifact"]["extension"]
              : nullptr;
      if (ext != nullptr && (*ext)["name"] == "kiln.stage-outcome")
        out.push_back((*ext)["content"]["stage"].get<std::string>());
    }
    return out;
  }
};

TEST(RebootResume, TheAnswerIsParsed) {
  auto parsed = parse_resume(register_answer("unexpected_reboot", "retry_stage", 1));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_TRUE(*parsed);
  const RunResume& r = **parsed;
  EXPECT_TRUE(r.is_reboot());
  EXPECT_EQ(r.policy, RebootPolicy::kRetryStage);
  EXPECT_EQ(r.next_sequence, 412);
  ASSERT_EQ(r.finished.size(), 1U);
  EXPECT_EQ(r.finished[0].outcome, Outcome::fail());
  ASSERT_TRUE(r.interrupted);
  EXPECT_EQ(r.interrupted->stage, "memory");
  EXPECT_EQ(r.interrupted->elapsed_s, 11520);
  EXPECT_EQ(r.reboots_in_stage, 2);
  EXPECT_FALSE(*parse_resume({{"run_id", "run-1"}, {"resume", nullptr}}));
  EXPECT_FALSE(*parse_resume({{"run_id", "run-1"}}));
}

TEST(RebootResume, ABadAnswerNamesTheField) {
  auto answer = register_answer("unexpected_reboot", "fail");
  answer["resume"]["policy"] = "retry";
  auto bad = parse_resume(answer);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("'policy' is not fail, retry_stage or continue"));
  answer = register_answer("unexpected_reboot", "fail");
  answer["resume"]["completed_stages"][0]["result"] = "MAYBE";
  EXPECT_THAT(parse_resume(answer).error().message,
              HasSubstr("completed_stages[0] has no valid status and result"));
  answer = register_answer("reset", "fail");
  EXPECT_THAT(parse_resume(answer).error().message, HasSubstr("kind 'reset'"));
}

TEST(RebootResume, FailNamesTheRebootTheStageAndTheEvidenceAndFinishedStagesAreNotRerun) {
  ResumeHarness h;
  RunRecord r = h.run(register_answer("unexpected_reboot", "fail"));
  EXPECT_EQ(h.runs["preliminary"], 0);
  EXPECT_EQ(h.runs["memory"], 0);
  EXPECT_EQ(h.runs["cpu"], 1);
  ASSERT_EQ(r.stages.size(), 3U);
  EXPECT_TRUE(r.stages[0].finished_on_earlier_boot);
  EXPECT_EQ(r.stages[0].outcome, Outcome::fail());
  EXPECT_EQ(r.stages[1].outcome, Outcome::fail());
  KILN_EXPECT_FAILURE(
      r.stages[1], "KILN-RUN-UNEXPECTED-REBOOT",
      "the node reset during the memory stage at 45 %, 3 h 12 min into the stage (last heard from "
      "2026-12-03T12:12:31Z); SEL: Memory, Uncorrectable ECC (@DIMMB2(CPU1)) Asserted (12/03/2026 "
      "12:12:44); SEL: Critical Interrupt PCI Bus, Bus Fatal Error () Asserted (12/03/2026 "
      "12:12:45); SEL: Memory, Correctable ECC (@DIMMB2(CPU1)) Asserted (12/03/2026 12:11:57); "
      "pstore: Kernel panic - not syncing: Fatal machine check; mce: [Hardware Error]: CPU 0: "
      "Machine Check Exception: 5 Bank 7: be00000000800400 — replace the part the evidence names "
      "(the DIMM of an uncorrectable ECC event, the PSU of a power event, the CPU of a machine "
      "check) and run the burn-in again; with no evidence, check the power feeds and the BMC's "
      "event log by hand");
  EXPECT_EQ(r.stages[2].outcome, Outcome::pass());
  EXPECT_EQ(r.outcome, Outcome::fail());
  // No step for the carried stage; an outcome for each stage this boot ran.
  EXPECT_EQ(h.outcome_stages(), (std::vector<std::string>{"memory", "cpu"}));
  auto report = build_report(r);
  ASSERT_EQ(report["reboots"].size(), 1U);
  EXPECT_EQ(report["reboots"][0]["kind"], "unexpected_reboot");
  EXPECT_EQ(report["reboots"][0]["handled"], "FAIL");
  EXPECT_EQ(report["reboots"][0]["evidence"].size(), 4U);
  EXPECT_EQ(report["stages"][0]["finished_on_earlier_boot"], true);
  ASSERT_EQ(report["failures"].size(), 2U);
  EXPECT_THAT(report["failures"][0].get<std::string>(), HasSubstr("KILN-FRU-SERIAL-MISSING"));
  EXPECT_THAT(report["failures"][1].get<std::string>(), HasSubstr("KILN-RUN-UNEXPECTED-REBOOT"));
}

TEST(RebootResume, RetryStageRerunsTheInterruptedStageOnce) {
  ResumeHarness h;
  RunRecord r = h.run(register_answer("unexpected_reboot", "retry_stage"));
  EXPECT_EQ(h.runs["memory"], 1);
  EXPECT_EQ(r.stages[1].outcome, Outcome::pass());
  EXPECT_EQ(build_report(r)["reboots"][0]["handled"], "rerun");
  // A second reboot in the stage it reran: FAIL.
  ResumeHarness again;
  RunRecord second = again.run(register_answer("unexpected_reboot", "retry_stage", 1));
  EXPECT_EQ(again.runs["memory"], 0);
  ASSERT_EQ(second.stages[1].outcome, Outcome::fail());
  EXPECT_THAT(second.stages[1].diagnoses.back().message,
              HasSubstr("it reset again when this stage was run a second time"));
}

TEST(RebootResume, ContinueSkipsTheInterruptedStageAndGoesOn) {
  ResumeHarness h;
  RunRecord r = h.run(register_answer("unexpected_reboot", "continue"));
  EXPECT_EQ(h.runs["memory"], 0);
  EXPECT_EQ(h.runs["cpu"], 1);
  EXPECT_EQ(r.stages[1].outcome, Outcome::skip());
  EXPECT_THAT(r.stages[1].skip_reason, HasSubstr("on_unexpected_reboot: continue"));
  EXPECT_EQ(build_report(r)["reboots"][0]["handled"], "continued");
}

TEST(RebootResume, ARunnerRestartOnTheSameBootIsAHarnessError) {
  ResumeHarness h;
  RunRecord r = h.run(register_answer("runner_restart", "fail"));
  EXPECT_EQ(h.runs["memory"], 0);
  EXPECT_FALSE(h.host.ran({"ipmitool", "sel"}));  // no reboot: no evidence to look for
  EXPECT_EQ(r.stages[1].outcome, Outcome::error());
  EXPECT_EQ(r.stages[1].errors[0].symptom, "runner-restarted");
  EXPECT_EQ(r.outcome, Outcome::fail());  // preliminary's FAIL from the first process stands
}

TEST(RebootResume, NoEvidenceSaysWhereItLooked) {
  ResumeHarness h(false);
  RunRecord r = h.run(register_answer("unexpected_reboot", "fail"));
  ASSERT_EQ(r.stages[1].outcome, Outcome::fail());
  const auto& message = r.stages[1].diagnoses.back().message;
  EXPECT_THAT(message, HasSubstr("no evidence: SEL not read: `ipmitool sel elist` exit 1"));
  EXPECT_THAT(message, HasSubstr("pstore not readable (/sys/fs/pstore): is pstore mounted?"));
  EXPECT_THAT(message, HasSubstr("no EDAC memory controller"));
}

TEST(RebootResume, EveryStageOfAFreshRunEndsWithItsOutcome) {
  ResumeHarness h;
  RunRecord r = execute_run(h.host, h.plan, h.node, h.options, h.writer, "kiln-runner run", {});
  EXPECT_EQ(h.outcome_stages(), (std::vector<std::string>{"preliminary", "memory", "cpu"}));
  EXPECT_TRUE(build_report(r)["reboots"].empty());
}

}  // namespace
}  // namespace kiln::runner
