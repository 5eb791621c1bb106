#include "api/certificate_endpoints.hpp"

#include <fmt/format.h>

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

ApiResponse post_certificate(ApiCall& call) {
  ApiContext& ctx = call.ctx;
  const RunRow& run = call.run;
  if (run.kind != "decommission") {
    return api_error(409, "not_a_decommission",
                     fmt::format("run {} is a {} run: only decommission runs get a certificate",
                                 run.id, run.kind));
  }
  if (run.state == "aborted")
    return api_error(409, "run_finished", fmt::format("run {} was aborted", run.id));
  auto body = parse_json(call.request.body, "certificate", ctx.config.max_body_bytes);
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
  auto existing = ctx.store.find_certificate(run.id);
  if (!existing) return api_error(503, "store_unavailable", existing.error().message);
  if (*existing) return same_or_conflict(**existing);
  if (!ctx.signing_key) {
    return api_error(503, "no_signing_key",
                     "this orchestrator has no certificate_key configured: it cannot sign");
  }
  auto signed_doc = signature::sign_document(*body, *ctx.signing_key);
  if (!signed_doc) return api_error(500, "signing_failed", signed_doc.error().message);
  CertificateRow row{run.id,
                     run.node_uuid,
                     body_sha,
                     signature::key_id(ctx.signing_key->public_key),
                     signed_doc->dump(),
                     utc_now()};
  auto stored = ctx.store.store_certificate(row);
  if (!stored) return api_error(503, "store_unavailable", stored.error().message);
  if (!*stored) {  // a concurrent post of the same run won: answer as a replay
    auto winner = ctx.store.find_certificate(run.id);
    if (!winner || !*winner) return api_error(503, "store_unavailable", "certificate vanished");
    return same_or_conflict(**winner);
  }
  return ApiResponse{200, std::move(*signed_doc)};
}

namespace {

ApiResponse certificate_of_run(ApiContext& ctx, const std::string& run_id, bool html) {
  auto run = ctx.store.find_run(run_id);
  if (!run) return api_error(503, "store_unavailable", run.error().message);
  if (!*run) return api_error(404, "not_found", fmt::format("no run {}", run_id));
  auto row = ctx.store.find_certificate(run_id);
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

}  // namespace

ApiResponse get_certificate(ApiCall& call) {
  return certificate_of_run(call.ctx, call.params.get("run"), false);
}

ApiResponse get_certificate_html(ApiCall& call) {
  return certificate_of_run(call.ctx, call.params.get("run"), true);
}

ApiResponse get_node_certificate(ApiCall& call) {
  const std::string& node_uuid = call.params.get("node");
  auto row = call.ctx.store.latest_certificate(node_uuid);
  if (!row) return api_error(503, "store_unavailable", row.error().message);
  if (!*row)
    return api_error(404, "not_found", fmt::format("node {} has no certificate", node_uuid));
  return stored_document(**row);
}

ApiResponse get_certificate_key(ApiCall& call) {
  const auto& signing_key = call.ctx.signing_key;
  if (!signing_key) {
    return api_error(404, "no_signing_key", "this orchestrator has no certificate_key configured");
  }
  return ApiResponse{200,
                     {{"algorithm", "Ed25519"},
                      {"key_id", signature::key_id(signing_key->public_key)},
                      {"public_key_pem", signature::public_key_pem(signing_key->public_key)}}};
}

}  // namespace kiln::orchestrator
