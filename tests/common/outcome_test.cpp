#include "kiln/outcome.hpp"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(Outcome, OnlyTheFourOcpPairsExist) {
  for (auto s : {RunStatus::kComplete, RunStatus::kError, RunStatus::kSkip}) {
    for (auto r : {RunResult::kPass, RunResult::kFail, RunResult::kNotApplicable}) {
      bool valid = (s == RunStatus::kComplete) != (r == RunResult::kNotApplicable);
      EXPECT_EQ(Outcome::from_parts(s, r).has_value(), valid) << to_string(s) << "/" << to_string(r);
    }
  }
}

TEST(Outcome, VerdictWords) {
  EXPECT_EQ(Outcome::pass().verdict(), "PASS");
  EXPECT_EQ(Outcome::fail().verdict(), "FAIL");
  EXPECT_EQ(Outcome::error().verdict(), "ERROR");
  EXPECT_EQ(Outcome::skip().verdict(), "SKIP");
}

TEST(Outcome, FailBeatsErrorBeatsPassBeatsSkip) {
  EXPECT_EQ(Outcome::pass().combined_with(Outcome::error()), Outcome::error());
  EXPECT_EQ(Outcome::error().combined_with(Outcome::fail()), Outcome::fail());
  EXPECT_EQ(Outcome::fail().combined_with(Outcome::error()), Outcome::fail());
  EXPECT_EQ(Outcome::skip().combined_with(Outcome::pass()), Outcome::pass());
  EXPECT_EQ(Outcome::pass().combined_with(Outcome::skip()), Outcome::pass());
}

TEST(Outcome, StringsRoundTrip) {
  EXPECT_EQ(run_status_from_string("COMPLETE"), RunStatus::kComplete);
  EXPECT_EQ(run_result_from_string("NOT_APPLICABLE"), RunResult::kNotApplicable);
  EXPECT_FALSE(run_status_from_string("DONE").has_value());
}

}  // namespace
}  // namespace kiln
