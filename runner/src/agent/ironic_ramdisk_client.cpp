#include "agent/ironic_ramdisk_client.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"
#include "kiln/version.hpp"

namespace kiln::runner::agent {
namespace {

constexpr std::size_t kMaxReply = 4U * 1024U * 1024U;

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string ironic_fault(const std::string& body) {
  auto outer = parse_json(body, "Ironic error", kMaxReply);
  if (!outer || !outer->is_object()) return body.substr(0, 300);
  auto message = json_string(*outer, "error_message");
  if (!message) return json_string(*outer, "faultstring").value_or(body.substr(0, 300));
  auto inner = parse_json(*message, "Ironic error_message", kMaxReply);
  if (inner && inner->is_object()) {
    if (auto fs = json_string(*inner, "faultstring")) return *fs;
  }
  return *message;
}

Expected<LookupReply> parse_lookup_reply(const std::string& body) {
  auto j = parse_json(body, "Ironic lookup reply", kMaxReply);
  if (!j) return j.error();
  LookupReply r;
  const auto* node = json_path(*j, {"node"});
  r.node_uuid = node != nullptr ? json_string(*node, "uuid").value_or("") : "";
  if (r.node_uuid.empty()) {
    return make_error("KILN-AGENT-LOOKUP",
                      "Ironic's lookup reply names no node uuid: " + body.substr(0, 300));
  }
  if (const auto* dii = json_path(*node, {"driver_internal_info"});
      dii != nullptr && dii->is_object())
    r.driver_internal_info = *dii;
  const auto* config = json_path(*j, {"config"});
  if (config != nullptr) {
    std::string token = json_string(*config, "agent_token").value_or("");
    if (token.find_first_not_of('*') != std::string::npos) r.agent_token = token;
    if (auto t = json_integer(*config, "heartbeat_timeout"); t && *t > 0 && *t < 86400 * 7) {
      r.heartbeat_timeout_s = static_cast<int>(*t);
    }
  }
  return r;
}

IronicRamdiskClient::IronicRamdiskClient(std::string api_url, std::string ca_file,
                                         std::string global_request_id)
    : api_url_(trim_slash(std::move(api_url))), global_request_id_(std::move(global_request_id)) {
  options_.timeout = std::chrono::seconds(30);
  options_.ca_file = std::move(ca_file);
  options_.user_agent = fmt::format("kiln-agent/{}", kiln_version());
  options_.max_body = kMaxReply;
}

http::Headers IronicRamdiskClient::headers() const {
  http::Headers h{{"X-OpenStack-Ironic-API-Version", kRamdiskApiVersion},
                  {"Accept", "application/json"},
                  {"Content-Type", "application/json"}};
  if (!global_request_id_.empty()) h.emplace_back("X-OpenStack-Request-ID", global_request_id_);
  return h;
}

Expected<std::optional<LookupReply>> IronicRamdiskClient::lookup(
    const std::vector<std::string>& macs) const {
  std::string addresses;
  for (const auto& m : macs) addresses += (addresses.empty() ? "" : ",") + m;
  auto reply =
      http::call("GET", api_url_ + "/v1/lookup?addresses=" + addresses, headers(), "", options_);
  if (!reply) return reply.error();
  if (reply->status == 404) return std::optional<LookupReply>{};
  if (reply->status != 200) {
    return make_error("KILN-AGENT-LOOKUP",
                      fmt::format("Ironic answered the lookup of {} with HTTP {}: {}", addresses,
                                  reply->status, ironic_fault(reply->body)));
  }
  auto parsed = parse_lookup_reply(reply->body);
  if (!parsed) return parsed.error();
  return std::optional<LookupReply>{*parsed};
}

HeartbeatReply IronicRamdiskClient::heartbeat(const std::string& node_uuid,
                                              const std::string& callback_url,
                                              const std::string& agent_version,
                                              const std::string& token,
                                              const std::string& verify_ca) const {
  nlohmann::json body{
      {"callback_url", callback_url}, {"agent_version", agent_version}, {"agent_token", token}};
  if (!verify_ca.empty()) body["agent_verify_ca"] = verify_ca;
  auto reply =
      http::call("POST", api_url_ + "/v1/heartbeat/" + node_uuid, headers(), body.dump(), options_);
  if (!reply) return {HeartbeatResult::kUnreachable, reply.error().message};
  if (reply->status == 202 || reply->status == 200) return {HeartbeatResult::kAccepted, ""};
  std::string message = ironic_fault(reply->body);
  if (message.find("agent token") != std::string::npos ||
      message.find("agent_token") != std::string::npos) {
    return {HeartbeatResult::kTokenRejected, message};
  }
  return {HeartbeatResult::kRefused, fmt::format("HTTP {}: {}", reply->status, message)};
}

}  // namespace kiln::runner::agent
