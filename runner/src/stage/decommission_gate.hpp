// Whether this run may wipe: the one rule every decommission stage asks.
// A runner in burn-in mode never wipes, whatever its profile says.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "stage/stage.hpp"

namespace kiln::runner {

struct DecommissionRequest {
  std::string mode = "burnin";  // --mode (or "decommission" with --decommission)
  bool i_know_this_wipes = false;
  bool with_orchestrator = false;
  // The registration reply's "directive" object (orchestrator runs), if any.
  std::optional<nlohmann::json> directive;
};

struct DecommissionDecision {
  bool confirmed = false;
  std::string refusal;  // why not, naming what is missing
};

// Standalone: mode decommission and --i-know-this-wipes. With an orchestrator:
// mode decommission and the directive's mode "decommission" with
// decommission_go_ahead true (--i-know-this-wipes does not replace it).
DecommissionDecision decide_decommission(const DecommissionRequest& request);

// The profile a run uses: --profile (kiln.profile) when given; else, in
// decommission mode, the profile named "decommission" (a node booted with
// kiln.mode=decommission must not run its delivery's burn-in profile); else
// nullopt: the delivery's profile.
std::optional<std::string> profile_for_mode(const std::string& mode,
                                            const std::optional<std::string>& profile);

// In decommission mode the profile must wipe: "" when it has the disk-wipe
// stage (or the mode is burn-in), else the error naming the profile and its
// stages. A decommission run of a burn-in profile would run its destructive
// tests (badblocks -w, fio writes) under the decommission go-ahead and wipe
// nothing.
std::string decommission_profile_refusal(const std::string& mode, const Profile& profile);

// "" when the stage may wipe, else the reason it may not (for the error).
std::string wipe_refusal(const RunOptions& options);

}  // namespace kiln::runner
