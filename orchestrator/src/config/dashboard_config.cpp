#include "config/dashboard_config.hpp"

#include <fmt/format.h>

namespace kiln::orchestrator {
namespace {

Error bad(const YAML::Node& node, const std::string& file, const std::string& what) {
  return Error{"KILN-CONFIG", fmt::format("{}:{}: {}", file, node.Mark().line + 1, what), ""};
}

bool token_shaped(const std::string& t) {
  return t.size() >= 16 && t.find_first_of(" \t\r\n") == std::string::npos;
}

}  // namespace

Status parse_dashboard_keys(const YAML::Node& root, OrchestratorConfig& c,
                            const std::string& file_name) {
  if (const auto list = root["viewer_tokens"]) {
    if (!list.IsSequence()) return bad(list, file_name, "viewer_tokens must be a list of tokens");
    for (const auto& t : list) {
      auto token = t.as<std::string>();
      if (!token_shaped(token))
        return bad(t, file_name, "a viewer token must be 16 characters or more without spaces");
      c.viewer_tokens.push_back(std::move(token));
    }
  }
  if (root["ui_dir"]) c.ui_dir = root["ui_dir"].as<std::string>();
  if (const auto t = root["metrics_token"]) {
    c.metrics_token = t.as<std::string>();
    if (!token_shaped(c.metrics_token))
      return bad(t, file_name, "metrics_token must be 16 characters or more without spaces");
  }
  return ok();
}

std::string ui_directory(const OrchestratorConfig& c) {
  if (!c.ui_dir.empty()) return c.ui_dir;
  return KILN_UI_DIR;  // CMake: <datadir>/kiln/ui
}

}  // namespace kiln::orchestrator
