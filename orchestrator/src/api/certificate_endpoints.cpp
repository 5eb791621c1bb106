// Decommission certificates: the runner posts the unsigned body, the
// orchestrator signs it with its Ed25519 key, stores it (committed before the
// answer) and serves it to operators as JSON or HTML. The public key is public.
#include <fmt/format.h>

#include "api/api_service.hpp"
#include "api/tokens.hpp"
#include "kiln/certificate_html.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

ApiResponse stored_document(const CertificateRow& row) {
  return ApiResponse{200, nlohmann::json::parse(row.document, nullptr, false)};  // ours, signed
}

// The shape kiln needs to retire a node on the strength of a certificate:
// an object naming the node and its disks. Everything else is kept as sent.
std::optional<ApiResponse> check_shape(const nlohmann::json& body, const RunRow& run) {
  if (!body.is_object())
    return api_error(400, "malformed", "the body must be a JSON object (the certificate body)");
  const auto* node = json_path(body, {"node"});
  if (node == nullptr || !node->is_object())
    return api_error(400, "schema", "'node' must be an object (the node's identity)");
  const auto* disks = json_path(body, {"disks"});
  if (disks == nullptr || !disks->is_array())
    return api_error(400, "schema", "'disks' must be an array (one entry per wiped disk)");
  for (std::size_t i = 0; i < disks->size(); ++i) {
    if (!(*disks)[i].is_object())
      return api_error(400, "schema", fmt::format("disks[{}] must be an object", i));
  }
  if (const auto* uuid = json_path(*node, {"ironic_uuid"}); uuid != nullptr) {
    // The token binds the run to its node; a body naming another node is refused.
    if (!uuid->is_string() || (!uuid->get_ref<const std::string&>().empty() &&
                               uuid->get_ref<const std::string&>() != run.node_uuid)) {
      return api_error(400, "schema",
                       fmt::format("'node.ironic_uuid' must be this run's node {}", run.node_uuid));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiResponse> ApiService::route_certificates(const ApiRequest& request,
                                                          const std::vector<std::string>& path) {
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const std::size_t n = path.size();
  if (n == 2 && path[1] == "certificate-key") {
    if (!get) return api_error(405, "method_not_allowed", "use GET");
    return get_certificate_key();  // public: no token needed
  }
  const bool run_certificate =
      n == 4 && path[1] == "runs" && (path[3] == "certificate" || path[3] == "certificate.html");
  const bool node_certificate = n == 4 && path[1] == "nodes" && path[3] == "certificate";
  if (!run_certificate && !node_certificate) return std::nullopt;
  if (run_certificate && path[3] == "certificate" && post) {
    RunRow run;
    if (auto refused = authorize_runner(request, path[2], run)) return *refused;
    return post_certificate(request, run);
  }
  if (!get) return api_error(405, "method_not_allowed", "use GET (operators) or POST (the runner)");
  if (auto refused = authorize_operator(request)) return *refused;
  if (node_certificate) return get_node_certificate(path[2]);
  return get_certificate(path[2], path[3] == "certificate.html");
}

ApiResponse ApiService::post_certificate(const ApiRequest& request, const RunRow& run) {
  if (run.kind != "decommission") {
    return api_error(409, "not_a_decommission",
                     fmt::format("run {} is a {} run: only decommission runs get a certificate",
                                 run.id, run.kind));
  }
  if (run.state == "aborted")
    return api_error(409, "run_finished", fmt::format("run {} was aborted", run.id));
  auto body = parse_json(request.body, "certificate", config_.max_body_bytes);
  if (!body) return api_error(400, "malformed", body.error().message);
  if (auto refused = check_shape(*body, run)) return *refused;
  const std::string body_sha = sha256_hex(signature::canonical_text(*body));
  auto same_or_conflict = [&](const CertificateRow& stored) {
    if (stored.body_sha256 == body_sha) return stored_document(stored);
    return api_error(409, "certificate_exists",
                     fmt::format("run {} already has a different certificate (sha256 {}); a run "
                                 "is certified once",
                                 run.id, stored.body_sha256));
  };
  auto existing = store_.find_certificate(run.id);
  if (!existing) return api_error(503, "store_unavailable", existing.error().message);
  if (*existing) return same_or_conflict(**existing);
  if (!signing_key_) {
    return api_error(503, "no_signing_key",
                     "this orchestrator has no certificate_key configured: it cannot sign");
  }
  auto signed_doc = signature::sign_document(*body, *signing_key_);
  if (!signed_doc) return api_error(500, "signing_failed", signed_doc.error().message);
  CertificateRow row{run.id,
                     run.node_uuid,
                     body_sha,
                     signature::key_id(signing_key_->public_key),
                     signed_doc->dump(),
                     utc_now()};
  auto stored = store_.store_certificate(row);
  if (!stored) return api_error(503, "store_unavailable", stored.error().message);
  if (!*stored) {  // a concurrent post of the same run won: answer as a replay
    auto winner = store_.find_certificate(run.id);
    if (!winner || !*winner) return api_error(503, "store_unavailable", "certificate vanished");
    return same_or_conflict(**winner);
  }
  return ApiResponse{200, std::move(*signed_doc)};
}

ApiResponse ApiService::get_certificate(const std::string& run_id, bool html) {
  auto run = store_.find_run(run_id);
  if (!run) return api_error(503, "store_unavailable", run.error().message);
  if (!*run) return api_error(404, "not_found", fmt::format("no run {}", run_id));
  auto row = store_.find_certificate(run_id);
  if (!row) return api_error(503, "store_unavailable", row.error().message);
  if (!*row) {
    return api_error(404, "not_found",
                     fmt::format("run {} ({}) has no certificate", run_id, (*run)->kind));
  }
  if (!html) return stored_document(**row);
  ApiResponse page;
  page.content_type = "text/html; charset=utf-8";
  page.text = render_certificate_html(nlohmann::json::parse((*row)->document, nullptr, false));
  return page;
}

ApiResponse ApiService::get_node_certificate(const std::string& node_uuid) {
  auto row = store_.latest_certificate(node_uuid);
  if (!row) return api_error(503, "store_unavailable", row.error().message);
  if (!*row)
    return api_error(404, "not_found", fmt::format("node {} has no certificate", node_uuid));
  return stored_document(**row);
}

ApiResponse ApiService::get_certificate_key() const {
  if (!signing_key_) {
    return api_error(404, "no_signing_key", "this orchestrator has no certificate_key configured");
  }
  return ApiResponse{200,
                     {{"algorithm", "Ed25519"},
                      {"key_id", signature::key_id(signing_key_->public_key)},
                      {"public_key_pem", signature::public_key_pem(signing_key_->public_key)}}};
}

}  // namespace kiln::orchestrator
