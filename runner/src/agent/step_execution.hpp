// One clean/deploy step as one kiln run: the configuration from the image
// (the delivery from the FRU asset tag), the stages the step names, the run
// engine, report.json and ocptv.jsonl in a folder of its own under --out,
// optionally streamed to kiln-orchestrator; then Ironic's outcome.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_steps.hpp"
#include "agent/command_log.hpp"
#include "host/host_adapter.hpp"

namespace kiln::runner::agent {

// What `kiln-runner agent` was given that every step uses.
struct StepEnvironment {
  std::string config_dir;
  std::optional<std::string> fru_file;
  std::string bmc;  // HOST[:PORT]; "" = in-band
  std::string bmc_user;
  std::string bmc_password;
  std::vector<std::string> disks;
  // Write tests and wipes: the image's init passes --i-know-this-wipes (the
  // machine is in Ironic's cleaning); an agent started by hand needs it too.
  bool i_know_this_wipes = false;
  std::filesystem::path out_dir;
  std::string node_uuid;  // Ironic's, from lookup
  // kiln-orchestrator for every step (kiln.url / kiln.token); a step's
  // kiln_url/kiln_token args replace them.
  std::string kiln_url;
  std::string kiln_token;
  std::string kiln_ca;
  // /proc/sys/kernel/random/boot_id as this boot read it: sent to the
  // orchestrator, kept in the step marker (docs/reboots.md).
  std::string boot_id;
};

// Runs `plan`; `stop` is the abort flag the stages honour. Never throws.
CommandOutput execute_step(HostAdapter& host, const StepEnvironment& env, const StepPlan& plan,
                           const std::atomic<bool>& stop);

}  // namespace kiln::runner::agent
