#include "kiln/outcome.hpp"

namespace kiln {

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::kComplete: return "COMPLETE";
    case RunStatus::kError: return "ERROR";
    case RunStatus::kSkip: return "SKIP";
  }
  return "ERROR";
}

std::string_view to_string(RunResult r) {
  switch (r) {
    case RunResult::kPass: return "PASS";
    case RunResult::kFail: return "FAIL";
    case RunResult::kNotApplicable: return "NOT_APPLICABLE";
  }
  return "NOT_APPLICABLE";
}

std::optional<RunStatus> run_status_from_string(std::string_view s) {
  if (s == "COMPLETE") return RunStatus::kComplete;
  if (s == "ERROR") return RunStatus::kError;
  if (s == "SKIP") return RunStatus::kSkip;
  return std::nullopt;
}

std::optional<RunResult> run_result_from_string(std::string_view s) {
  if (s == "PASS") return RunResult::kPass;
  if (s == "FAIL") return RunResult::kFail;
  if (s == "NOT_APPLICABLE") return RunResult::kNotApplicable;
  return std::nullopt;
}

std::optional<Outcome> Outcome::from_parts(RunStatus s, RunResult r) {
  if (s == RunStatus::kComplete && r != RunResult::kNotApplicable) return Outcome(s, r);
  if (s != RunStatus::kComplete && r == RunResult::kNotApplicable) return Outcome(s, r);
  return std::nullopt;
}

std::string_view Outcome::verdict() const {
  if (status_ == RunStatus::kComplete) return to_string(result_);
  return to_string(status_);
}

Outcome Outcome::combined_with(const Outcome& other) const {
  auto rank = [](const Outcome& o) {
    if (o.is_fail()) return 3;
    if (o.is_error()) return 2;
    if (o.result_ == RunResult::kPass) return 1;
    return 0;
  };
  return rank(other) > rank(*this) ? other : *this;
}

}  // namespace kiln
