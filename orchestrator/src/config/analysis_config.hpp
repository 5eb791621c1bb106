// The orchestrator config keys of dead-runner detection and delivery analysis:
// runner_timeout, outliers (flag|fail), outlier_k, outlier_min_batch,
// outlier_min_deviation_percent, summary_values_max_nodes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {

Status parse_runner_and_outlier_keys(const YAML::Node& root, OrchestratorConfig& c,
                                     const std::string& file_name);

}  // namespace kiln::orchestrator
