#include "ironic/keystone_session.hpp"

#include <fmt/format.h>

#include <ctime>
#include <iomanip>
#include <sstream>

#include "ironic/ironic_client.hpp"
#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {

Expected<std::chrono::system_clock::time_point> parse_keystone_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) {
    return make_error("KILN-KEYSTONE",
                      fmt::format("Keystone's expires_at '{}' is not an ISO 8601 time", text));
  }
  const std::time_t seconds = timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds);
}

KeystoneSession::KeystoneSession(const IronicAuth& auth, std::string ca_file,
                                 std::chrono::milliseconds timeout)
    : auth_(auth), ca_file_(std::move(ca_file)), timeout_(timeout) {
  while (!auth_.auth_url.empty() && auth_.auth_url.back() == '/') auth_.auth_url.pop_back();
}

nlohmann::json KeystoneSession::request_body() const {
  if (!auth_.application_credential_id.empty()) {
    return {{"auth",
             {{"identity",
               {{"methods", {"application_credential"}},
                {"application_credential",
                 {{"id", auth_.application_credential_id},
                  {"secret", auth_.application_credential_secret}}}}}}}};
  }
  return {
      {"auth",
       {{"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", auth_.username},
              {"domain", {{"name", auth_.user_domain_name}}},
              {"password", auth_.password}}}}}}},
        {"scope",
         {{"project",
           {{"name", auth_.project_name}, {"domain", {{"name", auth_.project_domain_name}}}}}}}}}};
}

Status KeystoneSession::authenticate() {
  const std::string url = auth_.auth_url + "/auth/tokens";
  http::CallOptions options;
  options.timeout = timeout_;
  options.ca_file = ca_file_;
  options.user_agent = "kiln-orchestrator";
  auto reply = http::call("POST", url,
                          {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                          request_body().dump(), options);
  if (!reply) return make_error("KILN-KEYSTONE-DOWN", reply.error().message);
  if (reply->status == 401) {
    return make_error("KILN-IRONIC-UNAUTHORIZED",
                      fmt::format("Keystone refused POST {} (HTTP 401 Unauthorized): {}", url,
                                  ironic_error_message(reply->body)),
                      "check ironic.auth in the orchestrator's config (auth_url, the user or "
                      "application credential, its secret file, project and domains)");
  }
  if (reply->status != 201 && reply->status != 200) {
    return make_error(reply->status >= 500 ? "KILN-KEYSTONE-DOWN" : "KILN-KEYSTONE-REJECTED",
                      fmt::format("Keystone refused POST {} (HTTP {}): {}", url, reply->status,
                                  ironic_error_message(reply->body)));
  }
  std::string token = reply->header("X-Subject-Token");
  if (token.empty()) {
    return make_error("KILN-KEYSTONE-REJECTED",
                      fmt::format("POST {}: the answer has no X-Subject-Token header", url));
  }
  auto body = parse_json(reply->body, "Keystone token", 16U * 1024U * 1024U);
  if (!body) return make_error("KILN-KEYSTONE-REJECTED", body.error().message);
  const auto* expires = json_path(*body, {"token", "expires_at"});
  if (expires == nullptr || !expires->is_string()) {
    return make_error("KILN-KEYSTONE-REJECTED",
                      fmt::format("POST {}: the token has no expires_at", url));
  }
  auto when = parse_keystone_time(expires->get<std::string>());
  if (!when) return when.error();
  std::string endpoint;
  if (const auto* catalog = json_path(*body, {"token", "catalog"});
      catalog != nullptr && catalog->is_array()) {
    for (const auto& service : *catalog) {
      if (!service.is_object() || json_string(service, "type").value_or("") != "baremetal")
        continue;
      const auto* endpoints = json_path(service, {"endpoints"});
      if (endpoints == nullptr || !endpoints->is_array()) continue;
      for (const auto& e : *endpoints) {
        if (!e.is_object() || json_string(e, "interface").value_or("") != "public") continue;
        if (!auth_.region.empty() && json_string(e, "region_id").value_or("") != auth_.region &&
            json_string(e, "region").value_or("") != auth_.region)
          continue;
        if (auto u = json_string(e, "url")) endpoint = *u;
        break;
      }
      if (!endpoint.empty()) break;
    }
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  token_ = std::move(token);
  expires_at_ = *when;
  endpoint_ = std::move(endpoint);
  return ok();
}

Expected<std::string> KeystoneSession::token() {
  std::lock_guard lock(mu_);
  if (token_.empty() ||
      std::chrono::system_clock::now() + std::chrono::seconds(60) >= expires_at_) {
    if (auto s = authenticate(); !s) return s.error();
  }
  return token_;
}

Expected<std::string> KeystoneSession::ironic_endpoint() {
  if (auto t = token(); !t) return t.error();
  std::lock_guard lock(mu_);
  if (endpoint_.empty()) {
    return make_error(
        "KILN-KEYSTONE-REJECTED",
        fmt::format("Keystone's catalog ({}) has no public baremetal endpoint{}", auth_.auth_url,
                    auth_.region.empty() ? "" : " in region " + auth_.region),
        "register Ironic's endpoint in Keystone or set ironic.url");
  }
  return endpoint_;
}

void KeystoneSession::invalidate() {
  std::lock_guard lock(mu_);
  token_.clear();
}

}  // namespace kiln::orchestrator
