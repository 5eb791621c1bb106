// The orchestrator's HTTP API as a pure function from request to response,
// independent of the transport (server/http_server.cpp carries it over
// Boost.Beast; the tests call it directly). Runner endpoints authenticate
// with the run's own token, operator endpoints with the operator token.
// A refused request changes nothing.
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/orchestrator_config.hpp"
#include "kiln/config.hpp"
#include "kiln/signature.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

struct ApiRequest {
  std::string method;         // "GET", "POST"
  std::string target;         // "/v1/runs/run-1/artifacts"
  std::string authorization;  // the Authorization header
  std::string body;
};

struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int status_code, nlohmann::json json_body)
      : status(status_code), body(std::move(json_body)) {}
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  // A non-JSON answer (the certificate's HTML page): sent as `text` with this
  // Content-Type when content_type is set.
  std::string content_type;
  std::string text;
};

// {"error": {"code", "message"}}
ApiResponse api_error(int status, std::string code, std::string message);

class ApiService {
 public:
  ApiService(RunStore& store, OrchestratorConfig config);
  // Never throws: an unexpected exception becomes a 500.
  ApiResponse handle(const ApiRequest& request) noexcept;
  // Artifact batches (POST /v1/runs/{id}/artifacts) are parsed and authorized
  // here, then queued for the store's group commit: `reply` runs after the
  // commit (on the store's writer thread; it must not block), or at once with
  // a refusal. Any other request: reply(handle(request)). Never throws.
  using Reply = std::function<void(ApiResponse)>;
  void handle_async(const ApiRequest& request, const Reply& reply) noexcept;
  // Whether handle_async answers `request` without a blocking store write.
  static bool is_artifact_batch(const ApiRequest& request);

  void set_public_url(std::string url) { config_.public_url = std::move(url); }
  [[nodiscard]] const std::string& public_url() const { return config_.public_url; }
  // For the Ironic driver: the kernel command line a node boots with;
  // `mode` is the run's kind (kiln.mode=burnin|decommission).
  [[nodiscard]] std::string kernel_params(const std::string& node_uuid, const std::string& token,
                                          const std::string& mode = "burnin") const;
  // The key that signs decommission certificates (none: they are refused).
  void set_signing_key(signature::SigningKey key) { signing_key_ = key; }
  [[nodiscard]] const std::optional<signature::SigningKey>& signing_key() const {
    return signing_key_;
  }

 private:
  ApiResponse route(const ApiRequest& request, const std::vector<std::string>& path);
  // runner side (runner_endpoints.cpp)
  ApiResponse register_run(const ApiRequest& request);
  // artifact batches (artifact_batches.cpp)
  ApiResponse post_artifacts(const ApiRequest& request, const RunRow& run);
  std::variant<std::vector<ArtifactLine>, ApiResponse> parse_batch(const ApiRequest& request) const;
  ApiResponse batch_answer(const Expected<IngestResult>& stored, const RunRow& run) const;
  ApiResponse post_heartbeat(const RunRow& run);
  ApiResponse post_report(const ApiRequest& request, const RunRow& run);
  nlohmann::json directive_json(const RunRow& run) const;
  // Fills `run` when the bearer token is that run's; else the refusal.
  // `for_batch`: the artifact path's read (RunStore::find_run_for_batch).
  std::optional<ApiResponse> authorize_runner(const ApiRequest& request, const std::string& run_id,
                                              RunRow& run, bool for_batch = false);
  nlohmann::json config_summary(const NodeRecord& node) const;
  // operator side (operator_endpoints.cpp)
  std::optional<ApiResponse> authorize_operator(const ApiRequest& request) const;
  // POST /v1/burnins and /v1/decommissions: runs of `kind` for nodes or a delivery.
  ApiResponse start_burnin(const ApiRequest& request, const std::string& kind = "burnin");
  ApiResponse abort_run(const std::string& run_id);
  ApiResponse get_runs();
  ApiResponse get_run(const std::string& run_id, const std::string& part);
  ApiResponse get_nodes(const std::optional<std::string>& uuid);
  ApiResponse get_deliveries(const std::optional<std::string>& tag);
  nlohmann::json run_json(const RunRow& run) const;
  // decommission certificates (certificate_endpoints.cpp)
  std::optional<ApiResponse> route_certificates(const ApiRequest& request,
                                                const std::vector<std::string>& path);
  ApiResponse post_certificate(const ApiRequest& request, const RunRow& run);
  ApiResponse get_certificate(const std::string& run_id, bool html);
  ApiResponse get_node_certificate(const std::string& node_uuid);
  ApiResponse get_certificate_key() const;

  RunStore& store_;
  OrchestratorConfig config_;
  std::optional<ConfigSet> configs_;
  std::optional<signature::SigningKey> signing_key_;
  std::mutex start_mu_;  // two concurrent starts must not both pass the "not burning in" check
};

// Splits "/v1/runs/x/artifacts?y" into {"v1", "runs", "x", "artifacts"}.
std::vector<std::string> split_path(const std::string& target);

}  // namespace kiln::orchestrator
