// A resumed run's stages (docs/reboots.md): a stage an earlier boot finished
// is carried into this run's record as it ended, never run again; the stage
// the node went down in is judged by the delivery's on_unexpected_reboot.
#pragma once

#include <nlohmann/json.hpp>

#include "run/reboot_evidence.hpp"
#include "run/run_resume.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {

// The record of a stage an earlier boot finished (outcome, failures, times).
StageRecord carried_stage(const FinishedStage& finished, const StageInfo& info);

// What became of the interrupted stage.
enum class InterruptedVerdict {
  kRerun,      // retry_stage: the caller runs the stage now
  kFailed,     // FAIL KILN-RUN-UNEXPECTED-REBOOT with the evidence
  kContinued,  // continue: SKIP, the evidence logged
  kErrored,    // the runner restarted on the same boot: ERROR (a harness problem)
};
std::string_view to_string(InterruptedVerdict verdict);

// Reports the interrupted stage through ctx.step as the policy says (the
// evidence as UNKNOWN diagnoses of the step); `evidence` is read only for a
// reboot. A second reboot in a stage retry_stage already reran fails it.
InterruptedVerdict judge_interrupted_stage(StageContext& ctx, const RunResume& resume,
                                           const RebootEvidence& evidence);

// report.json's "reboots": every event of the run, the one handled by this
// boot with its verdict and evidence.
nlohmann::json reboots_json(const RunResume& resume, std::optional<InterruptedVerdict> verdict,
                            const RebootEvidence& evidence);

}  // namespace kiln::runner
