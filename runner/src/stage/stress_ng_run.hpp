// What a stress-ng run means for a stage: a data verification failure is the
// hardware's fault (FAIL); a crash, a kill, a hang or a run that did not say
// it completed is the harness's (ERROR). Shared by the memory and cpu stages.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "stage/stage.hpp"
#include "tools/stress_ng.hpp"

namespace kiln::runner {

struct StressNgOutcome {
  std::vector<std::string> verify_failures;  // hardware: the stage FAILs
  bool harness_error = false;                // reported through ctx.step.error already
  std::vector<tools::StressNgMetric> metrics;
};

// Runs stress-ng (argv from tools::stress_ng_*_argv) with `timeout`, reports
// harness problems as stage errors, and returns the verification failures for
// the stage to judge with its own component and verdict.
StressNgOutcome run_stress_ng(StageContext& ctx, const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout, std::string_view log_name);

// Judges an already finished run (the part run_stress_ng does after the run).
StressNgOutcome judge_stress_ng(StageContext& ctx, const std::vector<std::string>& argv,
                                const Expected<CommandResult>& result);

// stress-ng's --timeout plus what it may take to stop and unmap its memory.
std::chrono::milliseconds stress_ng_deadline(std::chrono::milliseconds duration);

}  // namespace kiln::runner
