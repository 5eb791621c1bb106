// A runner registering again on a run it already streamed to: after an
// unexpected reboot of the node (a new boot id) or a restart of the runner
// process on the same boot. The orchestrator records it as an event of the
// run and answers where the stream stands, so the new runner continues the
// sequence numbers, skips the stages already finished and handles the
// interrupted one by the delivery's on_unexpected_reboot (docs/reboots.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "kiln/expected.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

// The OCPTV extension each stage's step carries at its end (the runner
// writes it): {"stage", "status", "result", "failures": [...]}.
inline constexpr const char* kStageOutcomeExtension = "kiln.stage-outcome";

// Records the event (unless `boot_id`'s registration was recorded already
// and nothing was streamed since: a register answer that was lost) and
// returns the "resume" object of the register answer:
//   {"kind": "unexpected_reboot" | "runner_restart", "event": N,
//    "next_sequence", "acknowledged", "lost_sequence_numbers",
//    "completed_stages": [{"name", "status", "result", "failures"}],
//    "interrupted": {"stage", "progress", "stage_started", "last_heard",
//                    "elapsed_s"} | null,
//    "policy": "fail" | "retry_stage" | "continue", "run_started",
//    "events": [{"seq", "kind", "at", ...detail}]}
// `policy` is the delivery's (from the config summary; "fail" without one).
// `instance`: the registering runner process's random id; the same process
// registering again is the lost answer (older runners send none: then the
// same boot with nothing streamed since the last event is).
Expected<nlohmann::json> resume_run(RunStore& store, const RunRow& run, const std::string& boot_id,
                                    const std::string& instance, const std::string& policy);

// Every event of the run as the API shows it (GET /v1/runs/{id}).
Expected<nlohmann::json> run_events_json(RunStore& store, const std::string& run_id);

}  // namespace kiln::orchestrator
