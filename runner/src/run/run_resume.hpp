// A run continued after an unexpected reboot of the node (or a restart of the
// runner on the same boot): what the orchestrator's register answer says
// about the run an earlier boot streamed to (docs/reboots.md), parsed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kiln/config.hpp"
#include "kiln/expected.hpp"
#include "kiln/outcome.hpp"

namespace kiln::runner {

// The "kiln.stage-outcome" extension each stage's step carries at its end;
// the orchestrator answers these back after a reboot.
inline constexpr std::string_view kStageOutcomeExtension = "kiln.stage-outcome";

// A stage an earlier boot finished: it is not run again, its outcome and
// failures (as report.json lines) count in this run's report.
struct FinishedStage {
  std::string name;
  Outcome outcome = Outcome::skip();
  std::vector<std::string> failures;
  std::string started;  // RFC 3339, as the earlier boot reported
  std::string ended;
};

// The stage that was running when the earlier boot went away.
struct InterruptedStage {
  std::string stage;
  double progress = 0;  // percent
  std::string stage_started;
  std::string last_heard;
  std::optional<long long> elapsed_s;
};

struct RunResume {
  std::string kind;  // "unexpected_reboot" or "runner_restart"
  RebootPolicy policy = RebootPolicy::kFail;
  long long next_sequence = 0;
  std::vector<FinishedStage> finished;
  std::optional<InterruptedStage> interrupted;
  nlohmann::json events = nlohmann::json::array();  // every event of the run, oldest first
  // How many unexpected reboots interrupted `interrupted->stage` (this one
  // included): retry_stage reruns a stage once, a second reboot in it FAILs.
  int reboots_in_stage = 0;
  std::string run_started;  // when the orchestrator started the run (RFC 3339), if it said
  [[nodiscard]] bool is_reboot() const { return kind == "unexpected_reboot"; }
};

// The register answer's "resume": nullopt when it has none (a fresh run).
// An error names the field that is missing or of the wrong type.
Expected<std::optional<RunResume>> parse_resume(const nlohmann::json& register_answer);

// The extension's content for a stage that ended: {"stage", "status",
// "result", "failures", "started", "ended"}.
nlohmann::json stage_outcome_content(const std::string& stage, const Outcome& outcome,
                                     const std::vector<std::string>& failures,
                                     const std::string& started, const std::string& ended);

// One line for the terminal: "continuing run after an unexpected reboot
// during the memory stage at 45 % (1 stage finished before; on_unexpected_reboot: fail)".
std::string describe_resume(const RunResume& resume);

// "3 h 12 min", "45 s".
std::string describe_duration(long long seconds);

}  // namespace kiln::runner
