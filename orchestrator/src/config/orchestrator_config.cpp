#include "config/orchestrator_config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/analysis_config.hpp"
#include "config/dashboard_config.hpp"
#include "config/ironic_config.hpp"
#include "log/log.hpp"

namespace kiln::orchestrator {
namespace {

Status check_keys(const YAML::Node& node, const std::set<std::string>& known,
                  const std::string& where, const std::string& file) {
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (known.count(key) == 0) {
      return make_error("KILN-CONFIG", fmt::format("{}:{}: unknown key '{}' in {}", file,
                                                   kv.first.Mark().line + 1, key, where));
    }
  }
  return ok();
}

}  // namespace

Expected<OrchestratorConfig> parse_orchestrator_config(const std::string& yaml_text,
                                                       const std::string& file_name) {
  OrchestratorConfig c;
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root || root.IsNull()) return c;
    if (!root.IsMap())
      return make_error("KILN-CONFIG", fmt::format("{}: expected a mapping", file_name));
    if (auto s = check_keys(root,
                            {"listen",
                             "port",
                             "public_url",
                             "store",
                             "operator_token",
                             "operator_token_file",
                             "log_level",
                             "max_body_bytes",
                             "max_batch_lines",
                             "config_dir",
                             "workers",
                             "tls",
                             "ironic",
                             "certificate_key",
                             "decommission",
                             "runner_timeout",
                             "outliers",
                             "outlier_k",
                             "outlier_min_batch",
                             "outlier_min_deviation_percent",
                             "summary_values_max_nodes",
                             "viewer_tokens",
                             "ui_dir",
                             "metrics_token"},
                            "the orchestrator config", file_name);
        !s) {
      return s.error();
    }
    if (root["listen"]) c.listen = root["listen"].as<std::string>();
    if (root["port"]) c.port = root["port"].as<unsigned short>();
    if (root["public_url"]) c.public_url = root["public_url"].as<std::string>();
    if (root["store"]) c.store = root["store"].as<std::string>();
    if (root["operator_token"]) c.operator_token = root["operator_token"].as<std::string>();
    if (root["operator_token_file"])
      c.operator_token_file = root["operator_token_file"].as<std::string>();
    if (root["log_level"]) {
      c.log_level = root["log_level"].as<std::string>();
      if (!parse_log_level(c.log_level)) {
        return make_error("KILN-CONFIG",
                          fmt::format("{}:{}: log_level '{}' is not debug, info, warning or error",
                                      file_name, root["log_level"].Mark().line + 1, c.log_level));
      }
    }
    if (root["max_body_bytes"]) c.max_body_bytes = root["max_body_bytes"].as<std::size_t>();
    if (root["max_batch_lines"]) c.max_batch_lines = root["max_batch_lines"].as<std::size_t>();
    if (root["config_dir"]) c.config_dir = root["config_dir"].as<std::string>();
    if (root["workers"]) c.workers = root["workers"].as<int>();
    if (const auto tls = root["tls"]) {
      if (auto s = check_keys(tls, {"cert", "key"}, "'tls'", file_name); !s) return s.error();
      if (tls["cert"]) c.tls_cert = tls["cert"].as<std::string>();
      if (tls["key"]) c.tls_key = tls["key"].as<std::string>();
    }
    if (auto s = parse_runner_and_outlier_keys(root, c, file_name); !s) return s.error();
    if (auto s = parse_dashboard_keys(root, c, file_name); !s) return s.error();
    if (root["certificate_key"]) c.certificate_key = root["certificate_key"].as<std::string>();
    if (const auto decommission = root["decommission"]) {
      if (auto s = check_keys(decommission, {"delete_node", "certificate_wait_s"}, "'decommission'",
                              file_name);
          !s) {
        return s.error();
      }
      if (decommission["delete_node"])
        c.ironic.decommission_delete_node = decommission["delete_node"].as<bool>();
      if (decommission["certificate_wait_s"]) {
        c.ironic.decommission_certificate_wait =
            std::chrono::seconds(decommission["certificate_wait_s"].as<int>());
      }
    }
    if (auto s = parse_ironic_keys(root, c.ironic, file_name); !s) return s.error();
  } catch (const YAML::Exception& e) {
    return make_error("KILN-CONFIG", fmt::format("{}:{}: {}", file_name, e.mark.line + 1, e.msg));
  }
  if (!c.operator_token.empty() && !c.operator_token_file.empty()) {
    return make_error(
        "KILN-CONFIG",
        fmt::format("{}: operator_token and operator_token_file are both set; keep one",
                    file_name));
  }
  if (c.operator_token_file.empty() && c.operator_token.size() < 16) {
    return make_error(
        "KILN-CONFIG",
        fmt::format("{}: operator_token must be set (16 characters or more)", file_name));
  }
  if (c.workers < 1) c.workers = 1;
  return c;
}

Expected<OrchestratorConfig> load_orchestrator_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("KILN-CONFIG", fmt::format("cannot read {}", path));
  std::stringstream text;
  text << in.rdbuf();
  auto config = parse_orchestrator_config(text.str(), path);
  if (!config) return config;
  if (auto s = load_ironic_password(config->ironic, path); !s) return s.error();
  if (config->operator_token_file.empty()) return config;
  const std::string& token_path = config->operator_token_file;
  std::ifstream token_in(token_path);
  if (!token_in) {
    return make_error("KILN-CONFIG",
                      fmt::format("{}: operator_token_file {}: cannot read it", path, token_path),
                      "the file must exist and be readable by the orchestrator's user");
  }
  std::stringstream token;
  token << token_in.rdbuf();
  std::string t = token.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (t.size() < 16 || t.find_first_of(" \t\n") != std::string::npos) {
    return make_error("KILN-CONFIG",
                      fmt::format("{}: operator_token_file {}: the token must be one line of 16 "
                                  "characters or more without spaces",
                                  path, token_path));
  }
  config->operator_token = std::move(t);
  return config;
}

}  // namespace kiln::orchestrator
