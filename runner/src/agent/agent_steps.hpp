// The clean and deploy steps kiln's agent offers Ironic (interface "deploy",
// priority 0: they run only when an operator asks for them), and how a step
// with its args and the node's driver_info becomes the stages kiln runs.
// Pure: no host, no network; tests/runner/agent/agent_steps_test.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kiln/config.hpp"
#include "kiln/expected.hpp"

namespace kiln::runner::agent {

struct StepArg {
  std::string name;
  std::string description;
  bool required = false;
};

struct StepDescription {
  std::string name;  // "kiln_burnin", "burnin_cpu", ...
  std::string description;
  std::vector<StepArg> args;  // Ironic checks manual clean step args against these
  bool abortable = true;
  bool deploy = true;  // also offered as a deploy step (a deploy template may ask for it)
};

// Every step, in the order get_clean_steps lists them.
const std::vector<StepDescription>& step_catalog();
const StepDescription* find_step(const std::string& name);

// The step list Ironic asks for (clean.get_clean_steps / deploy.get_deploy_steps):
// [{"step", "priority": 0, "interface": "deploy", "reboot_requested": false,
//   "abortable", "argsinfo"}].
nlohmann::json steps_json(bool deploy_steps);

// What one step runs.
struct StepPlan {
  std::string step;
  // nullopt: the delivery's profile (or the one named here) unchanged.
  std::optional<std::string> profile;
  // When set, the stages run instead of the profile's: each one with the
  // profile's parameters for it (when the profile has it) overlaid by these.
  std::optional<std::vector<StageEntry>> stages;
  // Stage parameter overrides for the profile's own stages (kiln_burnin's params).
  std::map<std::string, std::map<std::string, ParamValue>> overrides;
  std::string mode = "burnin";  // "decommission" for kiln_decommission
  bool destructive = false;     // the step's own go-ahead for write tests (burnin_disk)
  std::string operator_name;    // kiln_decommission's operator
  std::string kiln_url;         // stream to kiln-orchestrator (args kiln_url / kiln_token)
  std::string kiln_token;
};

// `step_args`: the step's "args" (may be null); `driver_info`: the node's
// (the agent_burnin_* keys). Errors name the step and the argument.
Expected<StepPlan> plan_step(const std::string& step, const nlohmann::json& step_args,
                             const nlohmann::json& driver_info);

// The stages a plan runs, given the profile it starts from: the stage list
// of the plan (or the profile's), each with the profile's parameters for that
// stage, then the plan's. The result is a profile named `name`; an override
// for a stage that does not run is an error.
Expected<Profile> derive_profile(const StepPlan& plan, const Profile& base,
                                 const std::string& name);

}  // namespace kiln::runner::agent
