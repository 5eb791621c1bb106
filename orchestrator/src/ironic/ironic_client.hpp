// The few Ironic REST calls kiln needs, pinned to microversion 1.82.
// Errors keep Ironic's meaning: KILN-IRONIC-DOWN (no answer, 5xx: retry),
// KILN-IRONIC-LOCKED (409 NodeLocked: retry), KILN-IRONIC-REJECTED (other 4xx,
// with Ironic's own faultstring: a person must look; KILN-IRONIC-NOT-FOUND for a 404;
// KILN-IRONIC-UNAUTHORIZED for a 401: the credentials in ironic.auth are wrong).
// ironic.auth http_basic sends "Authorization: Basic ..." on every call;
// keystone sends "X-Auth-Token" (ironic/keystone_session.hpp), asks Keystone
// again once when Ironic answers 401, and without ironic.url takes Ironic's
// endpoint from the token's catalog. ironic.ca_file verifies an https Ironic
// (and Keystone).
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/orchestrator_config.hpp"
#include "ironic/keystone_session.hpp"
#include "kiln/expected.hpp"

namespace kiln::orchestrator {

inline constexpr const char* kIronicApiVersion = "1.82";

class IronicClient {
 public:
  // The settings' url, ca_file, auth and request_timeout (or `timeout`).
  explicit IronicClient(const IronicSettings& settings,
                        std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Whether Ironic answers (GET /v1, its API root; with ironic.auth one node,
  // which proves the credentials; GET /readyz).
  Status reachable();
  Expected<nlohmann::json> get_node(const std::string& uuid);
  // JSON Patch operations (RFC 6902) on the node.
  Status patch_node(const std::string& uuid, const nlohmann::json& operations);
  // target: provide, active, rebuild, deleted, manage.
  Status set_provision_state(const std::string& uuid, const std::string& target);
  // A manual cleaning (the node manageable): PUT .../states/provision
  // {"target": "clean", "clean_steps": steps}.
  Status clean_node(const std::string& uuid, const nlohmann::json& clean_steps);
  Status add_trait(const std::string& uuid, const std::string& trait);
  Status set_maintenance(const std::string& uuid, const std::string& reason);
  // DELETE the node; one that is gone already counts as deleted.
  Status delete_node(const std::string& uuid);

 private:
  Expected<nlohmann::json> call(const std::string& method, const std::string& path,
                                const std::string& body);
  Expected<nlohmann::json> call_once(const std::string& method, const std::string& path,
                                     const std::string& body);
  std::string url_;
  std::chrono::milliseconds timeout_;
  std::string ca_file_;
  std::string authorization_;                  // "Basic ..." or empty
  std::shared_ptr<KeystoneSession> keystone_;  // type keystone; shared by copies of the client
};

// Ironic's error body {"error_message": "<JSON with faultstring>"} -> the faultstring;
// the auth middleware's {"error": {"message": ...}} -> the message.
std::string ironic_error_message(const std::string& body);

}  // namespace kiln::orchestrator
