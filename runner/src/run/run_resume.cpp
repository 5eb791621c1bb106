#include "run/run_resume.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"

namespace kiln::runner {
namespace {

Error resume_error(const std::string& what) {
  return make_error("KILN-ORCH", fmt::format("the orchestrator's resume answer: {}", what),
                    "the orchestrator and kiln-runner versions must match (docs/reboots.md)");
}

Expected<FinishedStage> finished_stage(const nlohmann::json& j, std::size_t index) {
  const std::string where = fmt::format("completed_stages[{}]", index);
  if (!j.is_object()) return resume_error(where + " is not an object");
  auto name = json_string(j, "stage");
  auto status = run_status_from_string(json_string(j, "status").value_or(""));
  auto result = run_result_from_string(json_string(j, "result").value_or(""));
  if (!name || name->empty()) return resume_error(where + ".stage is missing");
  if (!status || !result) return resume_error(where + " has no valid status and result");
  auto outcome = Outcome::from_parts(*status, *result);
  if (!outcome) return resume_error(where + ": status and result are no valid pair");
  FinishedStage stage{*name,
                      *outcome,
                      {},
                      json_string(j, "started").value_or(""),
                      json_string(j, "ended").value_or("")};
  if (const auto* failures = json_path(j, {"failures"}); failures != nullptr) {
    if (!failures->is_array()) return resume_error(where + ".failures is not a list");
    for (const auto& f : *failures) {
      if (!f.is_string()) return resume_error(where + ".failures holds a non-string");
      stage.failures.push_back(f.get<std::string>());
    }
  }
  return stage;
}

}  // namespace

Expected<std::optional<RunResume>> parse_resume(const nlohmann::json& answer) {
  const auto* r = json_path(answer, {"resume"});
  if (r == nullptr || r->is_null()) return std::optional<RunResume>();
  if (!r->is_object()) return resume_error("'resume' is not an object");
  RunResume resume;
  resume.kind = json_string(*r, "kind").value_or("");
  if (resume.kind != "unexpected_reboot" && resume.kind != "runner_restart")
    return resume_error(
        fmt::format("kind '{}' is neither unexpected_reboot nor runner_restart", resume.kind));
  auto policy = reboot_policy_from_string(json_string(*r, "policy").value_or(""));
  if (!policy) return resume_error("'policy' is not fail, retry_stage or continue");
  resume.policy = *policy;
  auto next = json_integer(*r, "next_sequence");
  if (!next || *next < 0) return resume_error("'next_sequence' is missing");
  resume.next_sequence = *next;
  resume.run_started = json_string(*r, "run_started").value_or("");
  if (const auto* done = json_path(*r, {"completed_stages"}); done != nullptr) {
    if (!done->is_array()) return resume_error("'completed_stages' is not a list");
    for (std::size_t i = 0; i < done->size(); ++i) {
      auto stage = finished_stage((*done)[i], i);
      if (!stage) return stage.error();
      resume.finished.push_back(std::move(*stage));
    }
  }
  if (const auto* i = json_path(*r, {"interrupted"}); i != nullptr && !i->is_null()) {
    if (!i->is_object()) return resume_error("'interrupted' is not an object");
    InterruptedStage stage;
    stage.stage = json_string(*i, "stage").value_or("");
    if (stage.stage.empty()) return resume_error("'interrupted.stage' is missing");
    stage.progress = json_number(*i, "progress").value_or(0);
    stage.stage_started = json_string(*i, "stage_started").value_or("");
    stage.last_heard = json_string(*i, "last_heard").value_or("");
    stage.elapsed_s = json_integer(*i, "elapsed_s");
    resume.interrupted = std::move(stage);
  }
  if (const auto* events = json_path(*r, {"events"}); events != nullptr && events->is_array())
    resume.events = *events;
  if (resume.interrupted) {
    for (const auto& e : resume.events) {
      const auto* in = json_path(e, {"interrupted"});
      if (json_string(e, "kind") == "unexpected_reboot" && in != nullptr &&
          json_string(*in, "stage") == resume.interrupted->stage) {
        ++resume.reboots_in_stage;
      }
    }
    resume.reboots_in_stage = std::max(resume.reboots_in_stage, resume.is_reboot() ? 1 : 0);
  }
  return std::optional<RunResume>(std::move(resume));
}

nlohmann::json stage_outcome_content(const std::string& stage, const Outcome& outcome,
                                     const std::vector<std::string>& failures,
                                     const std::string& started, const std::string& ended) {
  return {{"stage", stage},
          {"status", std::string(to_string(outcome.status()))},
          {"result", std::string(to_string(outcome.result()))},
          {"failures", failures},
          {"started", started},
          {"ended", ended}};
}

std::string describe_resume(const RunResume& resume) {
  const std::string what =
      resume.is_reboot() ? "an unexpected reboot" : "a restart of kiln-runner on the same boot";
  const std::string where =
      resume.interrupted ? fmt::format("during the {} stage at {:.0f} %", resume.interrupted->stage,
                                       resume.interrupted->progress)
                         : std::string("between stages");
  return fmt::format(
      "continuing the run after {} {} ({} finished before; on_unexpected_reboot: {})", what, where,
      resume.finished.size() == 1 ? std::string("1 stage")
                                  : fmt::format("{} stages", resume.finished.size()),
      to_string(resume.policy));
}

std::string describe_duration(long long seconds) {
  if (seconds < 60) return fmt::format("{} s", seconds);
  const long long minutes = seconds / 60;
  if (minutes < 60) return fmt::format("{} min", minutes);
  return fmt::format("{} h {} min", minutes / 60, minutes % 60);
}

}  // namespace kiln::runner
