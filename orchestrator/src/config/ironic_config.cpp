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

Status parse_keystone(const YAML::Node& auth, IronicAuth& a, const std::string& file) {
  if (a.auth_url.rfind("http://", 0) != 0 && a.auth_url.rfind("https://", 0) != 0) {
    return bad(auth["auth_url"] ? auth["auth_url"] : auth, file,
               "ironic.auth: keystone needs auth_url, Keystone's http(s):// identity URL "
               "(e.g. https://keystone.example:5000/v3)");
  }
  const bool by_password = !a.username.empty() || !a.password_file.empty();
  const bool by_credential =
      !a.application_credential_id.empty() || !a.application_credential_secret_file.empty();
  if (by_password == by_credential) {
    return bad(auth, file,
               "ironic.auth: keystone needs either username, password_file and project_name "
               "(password) or application_credential_id and application_credential_secret_file, "
               "not both");
  }
  if (by_password && (a.username.empty() || a.password_file.empty() || a.project_name.empty())) {
    return bad(auth, file,
               "ironic.auth: keystone with a password needs username, password_file and "
               "project_name");
  }
  if (by_credential &&
      (a.application_credential_id.empty() || a.application_credential_secret_file.empty())) {
    return bad(auth, file,
               "ironic.auth: keystone with an application credential needs "
               "application_credential_id and application_credential_secret_file");
  }
  return ok();
}

Status parse_auth(const YAML::Node& auth, IronicAuth& a, const std::string& file) {
  if (auto s = known_keys(auth,
                          {"type", "username", "password_file", "auth_url", "project_name",
                           "user_domain_name", "project_domain_name", "region",
                           "application_credential_id", "application_credential_secret_file"},
                          "'ironic.auth'", file);
      !s)
    return s;
  if (auth["type"]) a.type = auth["type"].as<std::string>();
  if (a.type != "keystone") {
    for (const char* key :
         {"auth_url", "project_name", "user_domain_name", "project_domain_name", "region",
          "application_credential_id", "application_credential_secret_file"}) {
      if (auth[key])
        return bad(auth[key], file, fmt::format("ironic.auth.{} needs type: keystone", key));
    }
  }
  auto text = [&](const char* key, std::string& out) {
    if (auth[key]) out = auth[key].as<std::string>();
  };
  text("username", a.username);
  text("password_file", a.password_file);
  text("auth_url", a.auth_url);
  text("project_name", a.project_name);
  text("user_domain_name", a.user_domain_name);
  text("project_domain_name", a.project_domain_name);
  text("region", a.region);
  text("application_credential_id", a.application_credential_id);
  text("application_credential_secret_file", a.application_credential_secret_file);
  if (a.type == "none") {
    if (!a.username.empty() || !a.password_file.empty())
      return bad(auth, file, "ironic.auth: username and password_file need type: http_basic");
    return ok();
  }
  if (a.type == "keystone") return parse_keystone(auth, a, file);
  if (a.type != "http_basic") {
    return bad(auth["type"] ? auth["type"] : auth, file,
               fmt::format("ironic.auth.type '{}' is not none, http_basic or keystone", a.type));
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
  if (!i.ca_file.empty() && i.url.rfind("https://", 0) != 0 &&
      i.auth.auth_url.rfind("https://", 0) != 0) {
    return bad(ironic["ca_file"], file_name,
               fmt::format("ironic.ca_file is set but ironic.url '{}' (and ironic.auth.auth_url, "
                           "if any) is not https://",
                           i.url));
  }
  return ok();
}

namespace {

Expected<std::string> read_secret_line(const std::string& config_path, const std::string& key,
                                       const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    return make_error("KILN-CONFIG",
                      fmt::format("{}: ironic.auth.{} {}: cannot read it", config_path, key, file),
                      "the file must exist and be readable by the orchestrator's user");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string p = text.str();
  while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  if (p.empty() || p.find('\n') != std::string::npos) {
    return make_error("KILN-CONFIG",
                      fmt::format("{}: ironic.auth.{} {}: the secret must be one non-empty line",
                                  config_path, key, file));
  }
  return p;
}

}  // namespace

Status load_ironic_password(IronicSettings& ironic, const std::string& config_path) {
  if (ironic.auth.type != "http_basic" && ironic.auth.type != "keystone") return ok();
  if (!ironic.auth.password_file.empty()) {
    auto p = read_secret_line(config_path, "password_file", ironic.auth.password_file);
    if (!p) return p.error();
    ironic.auth.password = std::move(*p);
  }
  if (!ironic.auth.application_credential_secret_file.empty()) {
    auto p = read_secret_line(config_path, "application_credential_secret_file",
                              ironic.auth.application_credential_secret_file);
    if (!p) return p.error();
    ironic.auth.application_credential_secret = std::move(*p);
  }
  return ok();
}

}  // namespace kiln::orchestrator
