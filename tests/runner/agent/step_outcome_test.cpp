#include "agent/step_outcome.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::runner::agent {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

json report(const std::string& verdict) {
  json stages = json::array();
  stages.push_back(
      {{"name", "disk"},
       {"verdict", verdict},
       {"status", verdict == "ERROR" ? "ERROR" : "COMPLETE"},
       {"key_figures",
        {{{"name", "bad_blocks"}, {"value", 3}, {"unit", "blocks"}, {"component", "disk S3Z9"}}}},
       {"errors", verdict == "ERROR" ? json{{{"symptom", "tool-timeout"},
                                             {"message", "badblocks timed out after 600 s"}}}
                                     : json::array()}});
  json failures = json::array();
  if (verdict == "FAIL")
    failures = {"disk S3Z9: 3 bad blocks found by badblocks -w; replace the disk", "second"};
  return {{"verdict", verdict},
          {"run_id", "run-1"},
          {"profile", "quick"},
          {"failures", failures},
          {"stages", stages}};
}

TEST(StepOutcome, PassSucceedsWithSummary) {
  auto out = step_outcome("kiln_burnin", report("PASS"), "/out/report.json", false);
  EXPECT_EQ(out.status, CommandStatus::kSucceeded);
  EXPECT_EQ(out.result["verdict"], "PASS");
  EXPECT_EQ(out.result["run_id"], "run-1");
  EXPECT_EQ(out.result["key_figures"][0]["stage"], "disk");
  EXPECT_EQ(out.result["report"], "/out/report.json");
}

TEST(StepOutcome, FailLeadsWithTheFirstFailure) {
  auto out = step_outcome("burnin_disk", report("FAIL"), "/out/report.json", false);
  EXPECT_EQ(out.status, CommandStatus::kFailed);
  EXPECT_THAT(out.details, StartsWith("disk S3Z9: 3 bad blocks"));
  EXPECT_THAT(out.details, HasSubstr("kiln burnin_disk FAIL, 2 failures in all, run run-1"));
  EXPECT_THAT(out.details, ::testing::Not(HasSubstr("harness")));
}

TEST(StepOutcome, ErrorSaysHarness) {
  auto out = step_outcome("kiln_burnin", report("ERROR"), "/out/report.json", false);
  EXPECT_EQ(out.status, CommandStatus::kFailed);
  EXPECT_THAT(out.details,
              StartsWith("kiln harness ERROR, not a hardware failure: disk: badblocks timed out"));
  EXPECT_EQ(out.error_type, "KilnHarnessError");
}

TEST(StepOutcome, AbortedAndNothingTested) {
  EXPECT_THAT(step_outcome("kiln_burnin", report("PASS"), "r", true).details, HasSubstr("aborted"));
  json skipped{{"verdict", "SKIP"},
               {"run_id", "r2"},
               {"stages", {{{"name", "disk"}, {"skip_reason", "no disks given"}}}}};
  auto out = step_outcome("burnin_disk", skipped, "r", false);
  EXPECT_EQ(out.status, CommandStatus::kFailed) << "a step that tested nothing does not pass";
  EXPECT_THAT(out.details, HasSubstr("disk: no disks given"));
}

}  // namespace
}  // namespace kiln::runner::agent
