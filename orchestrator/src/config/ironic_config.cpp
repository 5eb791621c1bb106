#include "config/ironic_config.hpp"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

namespace kiln::orchestrator {
namespace {

Error bad(const YAML::Node& node, const std::string& file, const std::string& what) {
  return Error{"KILN-CONFIG", fmt::format("{}:{}: {}", file, node.Mark().line + 1, what), ""};
}

Status known_keys(const YAML::Node& node, const std::set<std::string>& known,
                  const std::string& where, const std::string& file) {
  if (!node.IsMap()) return bad(node, file, fmt::format("{} must be a mapping", where));
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    if (known.count(key) == 0)
      return bad(kv.first, file, fmt::format("unknown key '{}' in {}", key, where));
  }
  return ok();
}

Status parse_auth(const YAML::Node& auth, IronicAuth& a, const std::string& file) {
  if (auto s = known_keys(auth, {"type", "username", "password_file"}, "'ironic.auth'", file); !s)
    return s;
  if (auth["type"]) a.type = auth["type"].as<std::string>();
  if (auth["username"]) a.username = auth["username"].as<std::string>();
  if (auth["password_file"]) a.password_file = auth["password_file"].as<std::string>();
  if (a.type == "none") {
    if (!a.username.empty() || !a.password_file.empty())
      return bad(auth, file, "ironic.auth: username and password_file need type: http_basic");
    return ok();
  }
  if (a.type == "keystone") {
    return bad(auth["type"], file,
               "ironic.auth.type: keystone is not supported yet; use http_basic (Ironic's "
               "standalone auth_strategy) or none (docs/ironic-steps.md, Authentication)");
  }
  if (a.type != "http_basic") {
    return bad(auth["type"] ? auth["type"] : auth, file,
               fmt::format("ironic.auth.type '{}' is not none or http_basic", a.type));
  }
  if (a.username.empty() || a.password_file.empty()) {
    return bad(auth, file,
               "ironic.auth: http_basic needs username and password_file (a file holding the "
               "password, one line)");
  }
  if (a.username.find(':') != std::string::npos)
    return bad(auth["username"], file, "ironic.auth.username must not contain ':' (HTTP Basic)");
  return ok();
}

}  // namespace

Status parse_ironic_keys(const YAML::Node& root, IronicSettings& i, const std::string& file_name) {
  const auto ironic = root["ironic"];
  if (!ironic) return ok();
  if (auto s = known_keys(ironic,
                          {"url", "method", "deploy_interface", "kernel_url", "ramdisk_url",
                           "extra_kernel_params", "poll_interval_ms", "max_backoff_ms",
                           "error_retries", "request_timeout_s", "ca_file", "auth"},
                          "'ironic'", file_name);
      !s) {
    return s;
  }
  if (ironic["url"]) i.url = ironic["url"].as<std::string>();
  if (const auto m = ironic["method"]) {
    i.method = m.as<std::string>();
    if (i.method != "deploy" && i.method != "clean") {
      return bad(m, file_name,
                 fmt::format("ironic.method '{}' is not deploy (kiln's image deployed as the "
                             "instance) or clean (a manual cleaning with kiln's kiln_burnin step)",
                             i.method));
    }
  }
  if (ironic["deploy_interface"]) i.deploy_interface = ironic["deploy_interface"].as<std::string>();
  if (ironic["kernel_url"]) i.kernel_url = ironic["kernel_url"].as<std::string>();
  if (ironic["ramdisk_url"]) i.ramdisk_url = ironic["ramdisk_url"].as<std::string>();
  if (ironic["extra_kernel_params"])
    i.extra_kernel_params = ironic["extra_kernel_params"].as<std::string>();
  if (ironic["poll_interval_ms"])
    i.poll_interval = std::chrono::milliseconds(ironic["poll_interval_ms"].as<int>());
  if (ironic["max_backoff_ms"])
    i.max_backoff = std::chrono::milliseconds(ironic["max_backoff_ms"].as<int>());
  if (ironic["error_retries"]) i.error_retries = ironic["error_retries"].as<int>();
  if (ironic["request_timeout_s"])
    i.request_timeout = std::chrono::seconds(ironic["request_timeout_s"].as<int>());
  if (ironic["ca_file"]) i.ca_file = ironic["ca_file"].as<std::string>();
  if (const auto auth = ironic["auth"]) {
    if (auto s = parse_auth(auth, i.auth, file_name); !s) return s;
  }
  if (!i.ca_file.empty() && i.url.rfind("https://", 0) != 0) {
    return bad(ironic["ca_file"], file_name,
               fmt::format("ironic.ca_file is set but ironic.url '{}' is not https://", i.url));
  }
  return ok();
}

Status load_ironic_password(IronicSettings& ironic, const std::string& config_path) {
  if (ironic.auth.type != "http_basic") return ok();
  const std::string& file = ironic.auth.password_file;
  std::ifstream in(file);
  if (!in) {
    return make_error(
        "KILN-CONFIG",
        fmt::format("{}: ironic.auth.password_file {}: cannot read it", config_path, file),
        "the file must exist and be readable by the orchestrator's user");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string p = text.str();
  while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  if (p.empty() || p.find('\n') != std::string::npos) {
    return make_error("KILN-CONFIG",
                      fmt::format("{}: ironic.auth.password_file {}: the password must be one "
                                  "non-empty line",
                                  config_path, file));
  }
  ironic.auth.password = std::move(p);
  return ok();
}

}  // namespace kiln::orchestrator
