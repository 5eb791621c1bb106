// A kiln step Ironic still counts as running when this agent starts: the node
// rebooted (or the agent restarted) while the step ran. Ironic's lookup shows
// its driver_internal_info: clean_steps/clean_step_index (deploy_steps/
// deploy_step_index), cleaning_reboot/deployment_reboot when Ironic rebooted
// the node itself, agent_last_heartbeat of the earlier boot. Left alone,
// Ironic takes an agent with no commands for one it rebooted on purpose and
// goes on with the NEXT step: the interrupted burn-in would count as done.
// docs/reboots.md, "Through Ironic's steps".
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agent/command_log.hpp"

namespace kiln::runner::agent {

struct InterruptedStep {
  std::string kind;            // "clean" or "deploy"
  nlohmann::json step;         // {"interface", "step", "args", ...} as Ironic holds it
  std::string name;            // "kiln_burnin"
  std::string id;              // "deploy.kiln_burnin"
  std::string last_heartbeat;  // agent_last_heartbeat of the earlier boot (ISO 8601), may be ""
};

// The kiln step at clean_step_index (else deploy_step_index) that Ironic did
// not reboot for; nullopt when none (no step ran yet, another interface's
// step, an IPA step kiln does not offer, a reboot Ironic asked for).
std::optional<InterruptedStep> interrupted_step(const nlohmann::json& driver_internal_info);

// What the agent keeps in its --out folder while a step runs: the boot it
// ran on and when it started. A later agent on the same boot (the process
// restarted, the folder is still there) tells a restart from a reboot; on a
// ramdisk a reboot loses the folder, and that is a reboot too.
struct StepMarker {
  std::string boot_id;
  std::string step_id;
  std::string started;  // RFC 3339
};
inline constexpr const char* kStepMarkerFile = "step-in-progress.json";
void write_step_marker(const std::filesystem::path& out_dir, const StepMarker& marker);
void remove_step_marker(const std::filesystem::path& out_dir);
std::optional<StepMarker> read_step_marker(const std::filesystem::path& out_dir);

// Where the SEL is read from for the earlier boot's step: the marker's start
// when it survived, else one hour before Ironic's last heartbeat of that boot
// (the reset came after it; what caused it may have come before); nullopt
// when neither is known.
std::optional<std::chrono::system_clock::time_point> evidence_since(
    const std::optional<StepMarker>& marker, const InterruptedStep& step);

// The FAILED command the new boot shows Ironic: KILN-STEP-UNEXPECTED-REBOOT
// with the evidence (a reboot), or a harness error (the agent restarted on
// the same boot: nothing says the hardware failed).
CommandOutput interrupted_step_output(const InterruptedStep& step, bool same_boot,
                                      const std::string& evidence_summary);

}  // namespace kiln::runner::agent
