// The orchestrator config's `ironic:` section: url, method (deploy | clean),
// deploy_interface, kernel_url, ramdisk_url, extra_kernel_params,
// poll_interval_ms, max_backoff_ms, error_retries, request_timeout_s, ca_file
// and auth {type: none | http_basic, username, password_file}.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {

Status parse_ironic_keys(const YAML::Node& root, IronicSettings& ironic,
                         const std::string& file_name);

// Reads auth.password_file (http_basic): one line, its trailing newline
// dropped; an error names the config file and the password file.
Status load_ironic_password(IronicSettings& ironic, const std::string& config_path);

}  // namespace kiln::orchestrator
