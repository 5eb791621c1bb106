#include "ironic/ironic_client.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "kiln/http_client.hpp"
#include "kiln/json_input.hpp"
#include "metrics/metrics.hpp"

namespace kiln::orchestrator {

std::string ironic_error_message(const std::string& body) {
  auto outer = parse_json(body, "Ironic error body", 1024U * 1024U);
  if (!outer) return body.substr(0, 500);
  if (const auto* error = json_path(*outer, {"error"}); error != nullptr && error->is_object()) {
    if (auto message = json_string(*error, "message")) return *message;  // ironic_lib auth_basic
  }
  auto inner_text = json_string(*outer, "error_message");
  if (!inner_text) return body.substr(0, 500);
  auto inner = parse_json(*inner_text, "Ironic error_message", 1024U * 1024U);
  if (inner) {
    if (auto fault = json_string(*inner, "faultstring")) return *fault;
  }
  return *inner_text;
}

namespace {

Expected<nlohmann::json> ironic_call(const std::string& url, const std::string& method,
                                     const std::string& path, const http::Headers& headers,
                                     const std::string& body, const http::CallOptions& options) {
  auto reply = http::call(method, url + path, headers, body, options);
  if (!reply) return make_error("KILN-IRONIC-DOWN", reply.error().message);
  if (reply->status == 409) {
    return make_error("KILN-IRONIC-LOCKED",
                      fmt::format("{} {}: {}", method, path, ironic_error_message(reply->body)));
  }
  if (reply->status >= 500) {
    return make_error("KILN-IRONIC-DOWN",
                      fmt::format("{} {}: HTTP {}: {}", method, path, reply->status,
                                  ironic_error_message(reply->body)));
  }
  if (reply->status == 401) {
    return make_error(
        "KILN-IRONIC-UNAUTHORIZED",
        fmt::format("Ironic refused {} {} (HTTP 401 Unauthorized): {}", method, path,
                    ironic_error_message(reply->body)),
        "check ironic.auth in the orchestrator's config (type, username, password_file) "
        "against Ironic's auth_strategy and its http_basic_auth_user_file");
  }
  if (reply->status >= 400) {
    return make_error(reply->status == 404 ? "KILN-IRONIC-NOT-FOUND" : "KILN-IRONIC-REJECTED",
                      fmt::format("Ironic refused {} {} (HTTP {}): {}", method, path, reply->status,
                                  ironic_error_message(reply->body)),
                      "fix the node in Ironic; kiln retries the step");
  }
  if (reply->body.empty()) return nlohmann::json::object();
  auto parsed = parse_json(reply->body, "Ironic response", 16U * 1024U * 1024U);
  if (!parsed) return make_error("KILN-IRONIC-DOWN", parsed.error().message);
  return std::move(*parsed);
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0U);
  return out;
}

}  // namespace

IronicClient::IronicClient(const IronicSettings& settings,
                           std::optional<std::chrono::milliseconds> timeout)
    : url_(settings.url),
      timeout_(timeout.value_or(
          std::chrono::duration_cast<std::chrono::milliseconds>(settings.request_timeout))),
      ca_file_(settings.ca_file) {
  if (settings.auth.type == "http_basic") {
    authorization_ = "Basic " + base64(settings.auth.username + ":" + settings.auth.password);
  }
  if (settings.auth.type == "keystone")
    keystone_ = std::make_shared<KeystoneSession>(settings.auth, ca_file_, timeout_);
}

Expected<nlohmann::json> IronicClient::call(const std::string& method, const std::string& path,
                                            const std::string& body) {
  auto answer = call_once(method, path, body);
  if (keystone_ && !answer && answer.error().code == "KILN-IRONIC-UNAUTHORIZED" &&
      answer.error().message.rfind("Ironic refused", 0) == 0) {
    keystone_->invalidate();  // revoked or expired early: one new token, one more try
    answer = call_once(method, path, body);
  }
  return answer;
}

Expected<nlohmann::json> IronicClient::call_once(const std::string& method, const std::string& path,
                                                 const std::string& body) {
  std::string url = url_;
  http::Headers headers{{"X-OpenStack-Ironic-API-Version", kIronicApiVersion},
                        {"Accept", "application/json"}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
  if (keystone_) {
    auto token = keystone_->token();
    if (token && url.empty()) {
      auto endpoint = keystone_->ironic_endpoint();
      if (!endpoint)
        token = endpoint.error();
      else
        url = *endpoint;
    }
    if (!token) {
      metrics().count_ironic_call(method, token.error().code);
      return token.error();
    }
    headers.emplace_back("X-Auth-Token", *token);
  }
  http::CallOptions options;
  options.timeout = timeout_;
  options.ca_file = ca_file_;
  options.user_agent = "kiln-orchestrator";
  auto answer = ironic_call(url, method, path, headers, body, options);
  metrics().count_ironic_call(method, answer ? "ok" : answer.error().code);
  return answer;
}

Status IronicClient::reachable() {
  // GET /v1 needs no credentials (one of Ironic's public routes): with
  // ironic.auth the probe reads one node, so wrong credentials show.
  const bool credentials = !authorization_.empty() || keystone_;
  auto r = call("GET", credentials ? "/v1/nodes?limit=1&fields=uuid" : "/v1", "");
  if (!r) return r.error();
  return ok();
}

Expected<nlohmann::json> IronicClient::get_node(const std::string& uuid) {
  return call("GET", "/v1/nodes/" + uuid, "");
}

Status IronicClient::patch_node(const std::string& uuid, const nlohmann::json& operations) {
  auto r = call("PATCH", "/v1/nodes/" + uuid, operations.dump());
  if (!r) return r.error();
  return ok();
}

Status IronicClient::set_provision_state(const std::string& uuid, const std::string& target) {
  auto r = call("PUT", fmt::format("/v1/nodes/{}/states/provision", uuid),
                nlohmann::json{{"target", target}}.dump());
  if (!r) return r.error();
  return ok();
}

Status IronicClient::clean_node(const std::string& uuid, const nlohmann::json& clean_steps) {
  auto r = call("PUT", fmt::format("/v1/nodes/{}/states/provision", uuid),
                nlohmann::json{{"target", "clean"}, {"clean_steps", clean_steps}}.dump());
  if (!r) return r.error();
  return ok();
}

Status IronicClient::add_trait(const std::string& uuid, const std::string& trait) {
  auto r = call("PUT", fmt::format("/v1/nodes/{}/traits/{}", uuid, trait), "");
  if (!r) return r.error();
  return ok();
}

Status IronicClient::delete_node(const std::string& uuid) {
  auto r = call("DELETE", "/v1/nodes/" + uuid, "");
  if (!r && r.error().code != "KILN-IRONIC-NOT-FOUND") return r.error();  // gone already: done
  return ok();
}

Status IronicClient::set_maintenance(const std::string& uuid, const std::string& reason) {
  auto r = call("PUT", fmt::format("/v1/nodes/{}/maintenance", uuid),
                nlohmann::json{{"reason", reason}}.dump());
  if (!r) return r.error();
  return ok();
}

}  // namespace kiln::orchestrator
