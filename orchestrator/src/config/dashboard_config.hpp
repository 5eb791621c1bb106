// The orchestrator config keys of the dashboard and /metrics: viewer_tokens
// (a list of read-only tokens, 16 characters or more), ui_dir (where the dashboard's files are),
// metrics_token.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {

Status parse_dashboard_keys(const YAML::Node& root, OrchestratorConfig& c,
                            const std::string& file_name);

// The dashboard's files: `ui_dir`, else where the package installs them.
std::string ui_directory(const OrchestratorConfig& c);

}  // namespace kiln::orchestrator
