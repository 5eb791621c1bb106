// The two calls a deploy ramdisk makes to Ironic's API (no auth: Ironic
// trusts the agent token): GET /v1/lookup?addresses=MAC,... (the node, its
// agent token the first time, config.heartbeat_timeout) and POST
// /v1/heartbeat/{uuid} (callback_url, agent_version, agent_token, and with TLS
// agent_verify_ca: the agent's certificate, PEM).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kiln/expected.hpp"
#include "kiln/http_client.hpp"

namespace kiln::runner::agent {

// API microversion of the ramdisk endpoints: agent_token (1.62) and
// agent_verify_ca (1.68); every Ironic since Victoria has it.
inline constexpr const char* kRamdiskApiVersion = "1.68";

struct LookupReply {
  std::string node_uuid;
  std::string agent_token;  // empty when Ironic masked it ("******": handed out before)
  int heartbeat_timeout_s = 300;
  // node.driver_internal_info: the steps Ironic runs and where it stands
  // (agent/interrupted_step.hpp reads it after a reboot).
  nlohmann::json driver_internal_info = nlohmann::json::object();
};

enum class HeartbeatResult { kAccepted, kTokenRejected, kRefused, kUnreachable };

struct HeartbeatReply {
  HeartbeatResult result = HeartbeatResult::kUnreachable;
  std::string message;  // Ironic's faultstring or the transport error
};

class IronicRamdiskClient {
 public:
  IronicRamdiskClient(std::string api_url, std::string ca_file, std::string global_request_id);

  // nullopt: Ironic knows no node with these MACs in a state that may look up
  // (404, e.g. before `clean` was asked); an error for anything else.
  Expected<std::optional<LookupReply>> lookup(const std::vector<std::string>& macs) const;
  [[nodiscard]] HeartbeatReply heartbeat(const std::string& node_uuid,
                                         const std::string& callback_url,
                                         const std::string& agent_version,
                                         const std::string& token,
                                         const std::string& verify_ca = {}) const;
  [[nodiscard]] const std::string& api_url() const { return api_url_; }

 private:
  [[nodiscard]] http::Headers headers() const;
  std::string api_url_;
  http::CallOptions options_;
  std::string global_request_id_;
};

// Ironic's error body {"error_message": "{\"faultstring\": ...}"} as words.
std::string ironic_fault(const std::string& body);
// Parses a lookup answer (pure, for tests).
Expected<LookupReply> parse_lookup_reply(const std::string& body);

}  // namespace kiln::runner::agent
