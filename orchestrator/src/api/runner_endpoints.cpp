// Runner side of the API: register, artifacts, heartbeat, report, directive.
#include "api/runner_endpoints.hpp"

#include <fmt/format.h>

#include "api/run_resume.hpp"
#include "api/tokens.hpp"
#include "kiln/json_input.hpp"
#include "liveness/runner_timeout.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxIdentityField = 256;

std::optional<std::string> short_string(const nlohmann::json& j, std::string_view key) {
  auto s = json_string(j, key);
  if (s && s->size() > kMaxIdentityField) return std::nullopt;
  return s;
}

nlohmann::json config_summary(const ApiContext& ctx, const NodeRecord& node) {
  const auto configs = ctx.configs.get();  // this request's set, whatever a reload does meanwhile
  if (!configs) return nullptr;
  FruInfo fru;
  fru.product_asset_tag = node.asset_tag;
  fru.product_serial = node.serial;
  auto resolved = resolve(*configs, fru);
  if (!resolved) return {{"error", resolved.error().message}};
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : resolved->profile.stages) stages.push_back(s.stage);
  return {{"delivery", resolved->delivery_tag},
          {"delivery_matched", resolved->delivery_matched},
          {"profile", resolved->profile.name},
          {"stages", stages},
          {"on_unexpected_reboot", std::string(to_string(resolved->on_unexpected_reboot))},
          {"sha256", resolved->hash}};
}

}  // namespace

nlohmann::json directive_json(const RunRow& run) {
  const bool abort = run.directive == "abort";
  // Destructive stages need the node confirmed in burn-in: Ironic deployed it
  // for this run, or an operator started it without Ironic.
  const bool confirmed = run.driver_state == "running" || run.driver_state == "none";
  nlohmann::json directive{{"action", abort ? "abort" : "continue"},
                           {"destructive_go_ahead", !abort && confirmed},
                           {"mode", run.kind == "decommission" ? "decommission" : "burnin"}};
  // Wiping needs this explicit go-ahead, bound to this token's run; a burn-in
  // run never carries the key at all.
  if (run.kind == "decommission") directive["decommission_go_ahead"] = !abort && confirmed;
  if (!run.operator_name.empty()) directive["operator"] = run.operator_name;
  return directive;
}

std::optional<ApiResponse> refuse_superseded(const RunRow& run, const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  if (auto boot_id = json_string(body, "boot_id");
      boot_id && !run.boot_id.empty() && *boot_id != run.boot_id) {
    return api_error(
        409, "boot_superseded",
        fmt::format("run {} now streams from boot {}, not {}", run.id, run.boot_id, *boot_id));
  }
  if (auto instance = json_string(body, "runner_instance");
      instance && !run.runner_instance.empty() && *instance != run.runner_instance) {
    return api_error(409, "runner_superseded",
                     fmt::format("run {} now streams from another kiln-runner process (it "
                                 "registered after this one); this one's lines would collide",
                                 run.id));
  }
  return std::nullopt;
}

ApiResponse register_run(ApiCall& call) {
  const ApiRequest& request = call.request;
  auto& store = call.ctx.store;
  auto token = bearer_token(request.authorization);
  if (!token)
    return api_error(401, "unauthenticated", "register needs 'Authorization: Bearer <kiln.token>'");
  auto body = parse_json(request.body, "register request", call.ctx.config.max_body_bytes);
  if (!body || !body->is_object())
    return api_error(400, "malformed", "the body must be a JSON object");
  const auto* node_json = json_path(*body, {"node"});
  if (node_json == nullptr || !node_json->is_object())
    return api_error(400, "schema", "'node' must be an object");
  NodeRecord node;
  auto uuid = short_string(*node_json, "ironic_uuid");
  if (!uuid || uuid->empty())
    return api_error(400, "schema", "'node.ironic_uuid' must be a non-empty string");
  node.uuid = *uuid;
  node.asset_tag = short_string(*node_json, "asset_tag").value_or("");
  node.serial = short_string(*node_json, "serial").value_or("");
  node.dmi_serial = short_string(*node_json, "dmi_serial").value_or("");
  if (const auto* macs = json_path(*node_json, {"macs"}); macs != nullptr) {
    if (!macs->is_array() || macs->size() > 64)
      return api_error(400, "schema", "'node.macs' must be an array");
    for (const auto& m : *macs) {
      if (!m.is_string() || m.get_ref<const std::string&>().size() > kMaxIdentityField) {
        return api_error(400, "schema", "'node.macs' must hold strings");
      }
      node.macs.push_back(m.get<std::string>());
    }
  }
  auto found = store.find_run_by_token_hash(token_hash(*token));
  if (!found) return api_error(503, "store_unavailable", found.error().message);
  if (!*found) return api_error(403, "forbidden", "no burn-in was started with this token");
  const RunRow& run = **found;
  if (run.node_uuid != node.uuid) {
    return api_error(403, "forbidden",
                     fmt::format("this token belongs to another node, not {}", node.uuid));
  }
  if (run.state == "reported" || run.state == "aborted") {
    return api_error(
        409, "run_already_streamed",
        fmt::format("run {} is {}; start a new burn-in for this node", run.id, run.state));
  }
  auto boot_id = short_string(*body, "boot_id");
  if (body->contains("boot_id") && !boot_id)
    return api_error(400, "schema", "'boot_id' must be a string of at most 256 characters");
  auto instance = short_string(*body, "runner_instance");
  if (body->contains("runner_instance") && !instance)
    return api_error(400, "schema", "'runner_instance' must be a string of at most 256 characters");
  // A runner without a boot id on a streamed run would restart the sequence
  // numbers at 0 and collide with what is stored.
  const bool streamed = run.artifact_count > 0;
  if (streamed && (!boot_id || boot_id->empty())) {
    return api_error(
        409, "run_already_streamed",
        fmt::format("run {} already holds {} artifacts and this runner sends no boot_id to "
                    "continue it; start a new burn-in for this node",
                    run.id, run.artifact_count));
  }
  if (auto s = store.upsert_node(node); !s)
    return api_error(503, "store_unavailable", s.error().message);
  if (run.state == "started") {
    if (auto s = store.set_run_state(run.id, "registered"); !s) {
      return api_error(503, "store_unavailable", s.error().message);
    }
  }
  nlohmann::json config = config_summary(call.ctx, node);
  nlohmann::json answer{{"run_id", run.id},
                        {"acknowledged", run.acked_seq},
                        {"config", config},
                        {"directive", directive_json(run)},
                        {"resume", nullptr}};
  if (streamed) {
    // Registered again on a run it streamed to: an unexpected reboot (a new
    // boot id) or a restart of the runner process (docs/reboots.md).
    std::string policy = "fail";
    if (config.is_object()) policy = json_string(config, "on_unexpected_reboot").value_or("fail");
    auto resume = resume_run(store, run, *boot_id, instance.value_or(""), policy);
    if (!resume) return api_error(503, "store_unavailable", resume.error().message);
    answer["acknowledged"] = (*resume)["acknowledged"];
    answer["resume"] = std::move(*resume);
  } else if (boot_id.value_or("") != run.boot_id || instance.value_or("") != run.runner_instance) {
    if (auto s = store.set_runner(run.id, boot_id.value_or(""), instance.value_or("")); !s)
      return api_error(503, "store_unavailable", s.error().message);
  }
  (void)store.record_heartbeat(run.id);  // the runner's first sign of life
  return ApiResponse{200, std::move(answer)};
}

ApiResponse post_heartbeat(ApiCall& call) {
  const RunRow& run = call.run;
  if (auto body = parse_json(call.request.body, "heartbeat", call.ctx.config.max_body_bytes)) {
    if (auto refused = refuse_superseded(run, *body)) return std::move(*refused);
  }
  if (auto s = call.ctx.store.record_heartbeat(run.id); !s)
    return api_error(503, "store_unavailable", s.error().message);
  return ApiResponse{200, {{"acknowledged", run.acked_seq}, {"directive", directive_json(run)}}};
}

ApiResponse post_report(ApiCall& call) {
  const RunRow& run = call.run;
  note_runner_contact(call.ctx.store, run, call.ctx.config.runner_timeout);
  auto body = parse_json(call.request.body, "report", call.ctx.config.max_body_bytes);
  if (!body || !body->is_object())
    return api_error(400, "malformed", "the body must be a JSON object (report.json)");
  auto verdict = json_string(*body, "verdict");
  if (!verdict || (*verdict != "PASS" && *verdict != "FAIL" && *verdict != "ERROR")) {
    return api_error(400, "schema", "'verdict' must be PASS, FAIL or ERROR");
  }
  const auto* failures = json_path(*body, {"failures"});
  if (failures == nullptr || !failures->is_array())
    return api_error(400, "schema", "'failures' must be an array");
  if (run.state == "reported") {
    return ApiResponse{
        200,
        {{"stored", false}, {"verdict", run.verdict}, {"note", "the report was stored before"}}};
  }
  if (auto s = call.ctx.store.store_report(run.id, body->dump(), *verdict); !s) {
    return api_error(503, "store_unavailable", s.error().message);
  }
  return ApiResponse{200, {{"stored", true}, {"verdict", *verdict}}};
}

ApiResponse get_directive(ApiCall& call) {
  note_runner_contact(call.ctx.store, call.run, call.ctx.config.runner_timeout);
  return ApiResponse{200, directive_json(call.run)};
}

}  // namespace kiln::orchestrator
