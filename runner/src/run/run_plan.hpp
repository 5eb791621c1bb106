// Planning a run: resolve the node's configuration from its FRU and bind every
// stage's parameters, before anything touches the machine.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiln/config.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {

struct PlannedStage {
  StageEntry entry;
  StageInfo info;
  StageParams params;
  std::unique_ptr<Stage> stage;
};

struct RunPlan {
  ResolvedConfig config;
  std::vector<PlannedStage> stages;  // "preliminary" first, then the profile's
};

// Errors name the profile file and line of a bad stage or parameter.
Expected<RunPlan> plan_run(const ConfigSet& configs, const FruInfo& fru,
                           const std::optional<std::string>& profile_override);

// Human-readable plan (kiln-runner plan).
std::string describe_plan(const RunPlan& plan);

}  // namespace kiln::runner
