#include "agent/step_outcome.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"

namespace kiln::runner::agent {
namespace {

constexpr std::size_t kMaxKeyFigures = 24;

nlohmann::json summary(const nlohmann::json& report, const std::string& report_path) {
  nlohmann::json figures = nlohmann::json::array();
  nlohmann::json stages = nlohmann::json::object();
  if (const auto* list = json_path(report, {"stages"}); list != nullptr && list->is_array()) {
    for (const auto& s : *list) {
      std::string name = json_string(s, "name").value_or("?");
      stages[name] = json_string(s, "verdict").value_or("?");
      const auto* kf = json_path(s, {"key_figures"});
      if (kf == nullptr || !kf->is_array()) continue;
      for (const auto& f : *kf) {
        if (figures.size() >= kMaxKeyFigures) break;
        nlohmann::json entry = f;
        entry["stage"] = name;
        figures.push_back(std::move(entry));
      }
    }
  }
  return {{"verdict", json_string(report, "verdict").value_or("?")},
          {"run_id", json_string(report, "run_id").value_or("")},
          {"profile", json_string(report, "profile").value_or("")},
          {"delivery", report.contains("delivery") ? report["delivery"] : nlohmann::json(nullptr)},
          {"stages", stages},
          {"key_figures", figures},
          {"report", report_path}};
}

// The first error of the first stage that errored: "disk: smartctl timed out".
std::string first_error(const nlohmann::json& report) {
  const auto* list = json_path(report, {"stages"});
  if (list == nullptr || !list->is_array()) return "no stage reported";
  for (const auto& s : *list) {
    if (json_string(s, "status").value_or("") != "ERROR") continue;
    const auto* errors = json_path(s, {"errors"});
    std::string message = errors != nullptr && errors->is_array() && !errors->empty()
                              ? json_string((*errors)[0], "message").value_or("")
                              : "";
    return fmt::format("{}: {}", json_string(s, "name").value_or("?"),
                       message.empty() ? "error" : message);
  }
  return "a stage ended in ERROR";
}

std::string skipped_reasons(const nlohmann::json& report) {
  std::string out;
  const auto* list = json_path(report, {"stages"});
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& s : *list) {
    auto reason = json_string(s, "skip_reason");
    if (!reason) continue;
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", json_string(s, "name").value_or("?"),
                       *reason);
  }
  return out;
}

}  // namespace

CommandOutput step_outcome(const std::string& step, const nlohmann::json& report,
                           const std::string& report_path, bool aborted) {
  const std::string verdict = json_string(report, "verdict").value_or("");
  const std::string run_id = json_string(report, "run_id").value_or("?");
  if (aborted) {
    return CommandOutput::failure(
        fmt::format("kiln {} aborted: the cleaning was aborted or Ironic stopped "
                    "accepting this agent (run {}, report {})",
                    step, run_id, report_path));
  }
  if (verdict == "PASS") return CommandOutput::success(summary(report, report_path));
  CommandOutput out;
  if (verdict == "FAIL") {
    const auto* failures = json_path(report, {"failures"});
    std::size_t count = failures != nullptr && failures->is_array() ? failures->size() : 0;
    std::string first = count > 0 && (*failures)[0].is_string() ? (*failures)[0].get<std::string>()
                                                                : "a stage failed";
    out = CommandOutput::failure(
        fmt::format("{} (kiln {} FAIL, {} failure{} in all, run {}, report {})", first, step, count,
                    count == 1 ? "" : "s", run_id, report_path));
  } else if (verdict == "ERROR") {
    out = CommandOutput::failure(
        fmt::format("kiln harness ERROR, not a hardware failure: {} (kiln {}, run {}, "
                    "report {}); fix that and run the step again",
                    first_error(report), step, run_id, report_path));
    out.error_type = "KilnHarnessError";
  } else {
    std::string reasons = skipped_reasons(report);
    out = CommandOutput::failure(
        fmt::format("kiln {}: nothing was tested, every stage was skipped{}{} (kiln run {})", step,
                    reasons.empty() ? "" : ": ", reasons, run_id));
    out.error_type = "KilnHarnessError";
  }
  out.result = summary(report, report_path);
  return out;
}

}  // namespace kiln::runner::agent
