#include "stage/decommission_gate.hpp"

#include "kiln/json_input.hpp"

namespace kiln::runner {

DecommissionDecision decide_decommission(const DecommissionRequest& request) {
  DecommissionDecision d;
  if (request.mode != "decommission") {
    d.refusal = "this runner is in burn-in mode (--mode " + request.mode +
                "): it never wipes, whatever its profile says. Boot the image with "
                "kiln.mode=decommission or pass --decommission";
    return d;
  }
  if (request.with_orchestrator) {
    const nlohmann::json* directive = request.directive ? &*request.directive : nullptr;
    std::string mode = directive != nullptr ? json_string(*directive, "mode").value_or("") : "";
    bool go = directive != nullptr && json_bool(*directive, "decommission_go_ahead") == true;
    if (mode != "decommission" || !go) {
      d.refusal =
          "the orchestrator's directive for this run does not say decommission (it needs mode "
          "\"decommission\" and decommission_go_ahead: true; got " +
          (directive == nullptr ? std::string("no directive") : directive->dump()) +
          "). Start it with `kilnctl decommission start`";
      return d;
    }
    d.confirmed = true;
    return d;
  }
  if (!request.i_know_this_wipes) {
    d.refusal = "standalone decommission needs both --decommission and --i-know-this-wipes";
    return d;
  }
  d.confirmed = true;
  return d;
}

std::optional<std::string> profile_for_mode(const std::string& mode,
                                            const std::optional<std::string>& profile) {
  if (profile) return profile;
  if (mode == "decommission") return std::string("decommission");
  return std::nullopt;
}

std::string decommission_profile_refusal(const std::string& mode, const Profile& profile) {
  if (mode != "decommission") return {};
  std::string stages;
  for (const auto& e : profile.stages) {
    if (e.stage == "disk-wipe") return {};
    stages += (stages.empty() ? "" : ", ") + e.stage;
  }
  return "decommission mode runs a profile with the disk-wipe stage; profile '" + profile.name +
         "' (" + profile.where.describe() + ") has " +
         (stages.empty() ? std::string("no stages") : "only " + stages) +
         ". Use --profile decommission (kiln.profile=decommission) or add disk-wipe to it";
}

std::string wipe_refusal(const RunOptions& options) {
  if (options.mode != "decommission") {
    return "this runner is in burn-in mode: it never wipes, whatever its profile says (boot with "
           "kiln.mode=decommission or pass --decommission --i-know-this-wipes)";
  }
  if (!options.decommission_confirmed) {
    return options.decommission_refusal.empty() ? "decommission is not confirmed for this run"
                                                : options.decommission_refusal;
  }
  return {};
}

}  // namespace kiln::runner
