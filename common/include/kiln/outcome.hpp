// "Did it run" (status) is kept apart from "did the hardware pass" (result).
// Only the four pairs the OCP Test & Validation spec allows can be built.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln {

enum class RunStatus { kComplete, kError, kSkip };
enum class RunResult { kPass, kFail, kNotApplicable };

std::string_view to_string(RunStatus s);
std::string_view to_string(RunResult r);
std::optional<RunStatus> run_status_from_string(std::string_view s);
std::optional<RunResult> run_result_from_string(std::string_view s);

class Outcome {
 public:
  static Outcome pass() { return {RunStatus::kComplete, RunResult::kPass}; }
  static Outcome fail() { return {RunStatus::kComplete, RunResult::kFail}; }
  static Outcome error() { return {RunStatus::kError, RunResult::kNotApplicable}; }
  static Outcome skip() { return {RunStatus::kSkip, RunResult::kNotApplicable}; }
  // Rebuilds an outcome from its two parts; nullopt for an invalid pair.
  static std::optional<Outcome> from_parts(RunStatus s, RunResult r);

  [[nodiscard]] RunStatus status() const { return status_; }
  [[nodiscard]] RunResult result() const { return result_; }
  [[nodiscard]] bool is_fail() const { return result_ == RunResult::kFail; }
  [[nodiscard]] bool is_error() const { return status_ == RunStatus::kError; }
  // "PASS", "FAIL", "ERROR" or "SKIP": the single word shown to a person.
  [[nodiscard]] std::string_view verdict() const;

  // Combines stage outcomes into a run outcome: FAIL if any failed, else
  // ERROR if any errored, else PASS if any passed, else SKIP.
  [[nodiscard]] Outcome combined_with(const Outcome& other) const;

  friend bool operator==(const Outcome&, const Outcome&) = default;

 private:
  Outcome(RunStatus s, RunResult r) : status_(s), result_(r) {}
  RunStatus status_;
  RunResult result_;
};

}  // namespace kiln
