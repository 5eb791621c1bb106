#include "run/reboot_stage.hpp"

#include <fmt/format.h>

namespace kiln::runner {
namespace {

constexpr std::string_view kRebootCode = "KILN-RUN-UNEXPECTED-REBOOT";

std::chrono::system_clock::time_point time_or_now(const std::string& text) {
  auto t = rfc3339_time(text);
  return t ? *t : std::chrono::system_clock::now();
}

std::string progress_text(const InterruptedStage& stage) {
  return fmt::format("{:.0f} %", stage.progress);
}

std::string elapsed_text(const InterruptedStage& stage) {
  return stage.elapsed_s ? describe_duration(*stage.elapsed_s) : std::string("an unknown time");
}

void note_evidence(StageContext& ctx, const RebootEvidence& evidence, bool as_diagnoses) {
  for (const auto& item : evidence.items) {
    const std::string text = fmt::format("reboot evidence, {}: {}", item.source, item.text);
    if (as_diagnoses) {
      Diagnosis d;
      d.verdict = "reboot-evidence";
      d.type = DiagnosisType::kUnknown;
      d.message = text;
      d.component = item.component;
      ctx.step.diagnosis(std::move(d));
    } else {
      ctx.step.log(ocptv::LogSeverity::kWarning, text);
    }
  }
  for (const auto& note : evidence.unavailable) ctx.step.info("reboot evidence: " + note);
}

}  // namespace

std::string_view to_string(InterruptedVerdict verdict) {
  switch (verdict) {
    case InterruptedVerdict::kRerun:
      return "rerun";
    case InterruptedVerdict::kFailed:
      return "FAIL";
    case InterruptedVerdict::kContinued:
      return "continued";
    case InterruptedVerdict::kErrored:
      return "ERROR";
  }
  return "FAIL";
}

StageRecord carried_stage(const FinishedStage& finished, const StageInfo& info) {
  StageRecord record;
  record.name = finished.name;
  record.description = info.description;
  record.outcome = finished.outcome;
  record.finished_on_earlier_boot = true;
  record.earlier_failures = finished.failures;
  record.started = time_or_now(finished.started);
  record.ended = time_or_now(finished.ended);
  if (record.ended < record.started) record.ended = record.started;
  return record;
}

InterruptedVerdict judge_interrupted_stage(StageContext& ctx, const RunResume& resume,
                                           const RebootEvidence& evidence) {
  const InterruptedStage& stage = *resume.interrupted;
  if (!resume.is_reboot()) {
    ctx.step.error("runner-restarted",
                   fmt::format("kiln-runner restarted during the {} stage at {}, {} into the "
                               "stage, on the same boot (no reboot): the stage is not judged",
                               stage.stage, progress_text(stage), elapsed_text(stage)));
    return InterruptedVerdict::kErrored;
  }
  const bool retried_before = resume.reboots_in_stage > 1;
  if (resume.policy == RebootPolicy::kRetryStage && !retried_before) {
    ctx.step.log(ocptv::LogSeverity::kWarning,
                 fmt::format("the node reset during this stage at {}, {} into it; "
                             "on_unexpected_reboot: retry_stage runs it again",
                             progress_text(stage), elapsed_text(stage)));
    note_evidence(ctx, evidence, true);
    return InterruptedVerdict::kRerun;
  }
  if (resume.policy == RebootPolicy::kContinue) {
    note_evidence(ctx, evidence, false);
    ctx.step.skip(
        fmt::format("the node reset during this stage at {}, {} into it; "
                    "on_unexpected_reboot: continue goes on with the next stage",
                    progress_text(stage), elapsed_text(stage)));
    return InterruptedVerdict::kContinued;
  }
  std::string text = evidence.summary();
  if (retried_before) text += "; it reset again when this stage was run a second time";
  note_evidence(ctx, evidence, true);
  ctx.step.fail(kRebootCode,
                {{"stage", stage.stage},
                 {"progress", progress_text(stage)},
                 {"elapsed", elapsed_text(stage)},
                 {"last_heard", stage.last_heard.empty() ? "unknown" : stage.last_heard},
                 {"evidence", text}});
  return InterruptedVerdict::kFailed;
}

nlohmann::json reboots_json(const RunResume& resume, std::optional<InterruptedVerdict> verdict,
                            const RebootEvidence& evidence) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < resume.events.size(); ++i) {
    nlohmann::json e = resume.events[i];
    if (i + 1 == resume.events.size()) {  // the event this boot handled
      e["handled"] = verdict ? std::string(to_string(*verdict)) : std::string("between stages");
      nlohmann::json items = nlohmann::json::array();
      for (const auto& item : evidence.items)
        items.push_back(
            {{"source", item.source}, {"text", item.text}, {"component", item.component}});
      e["evidence"] = std::move(items);
      e["evidence_unavailable"] = evidence.unavailable;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kiln::runner
