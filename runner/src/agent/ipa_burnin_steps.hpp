// IPA's burnin_cpu, burnin_memory, burnin_disk and burnin_network as kiln
// stages: what the node's driver_info agent_burnin_* keys mean for kiln's
// cpu, memory, disk (+ disk-perf) and network stages, with IPA's defaults
// (ironic_python_agent/burnin.py). The mapping table is in docs/ironic-steps.md.
#pragma once

#include <nlohmann/json.hpp>

#include "agent/agent_steps.hpp"

namespace kiln::runner::agent {

Expected<StepPlan> plan_burnin_cpu(const nlohmann::json& info);
Expected<StepPlan> plan_burnin_memory(const nlohmann::json& info);
Expected<StepPlan> plan_burnin_disk(const nlohmann::json& info);
Expected<StepPlan> plan_burnin_network(const nlohmann::json& info);

}  // namespace kiln::runner::agent
