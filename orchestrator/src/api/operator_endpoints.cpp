#include "api/operator_endpoints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "analysis/delivery_summary.hpp"
#include "api/report_endpoints.hpp"
#include "api/run_resume.hpp"
#include "api/tokens.hpp"
#include "ironic/kernel_params.hpp"
#include "kiln/json_input.hpp"
#include "log/log.hpp"

namespace kiln::orchestrator {
namespace {

bool finished(const RunRow& run) {
  return run.state == "reported" || run.state == "aborted";
}

bool valid_node_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

nlohmann::json run_json(const ApiContext& ctx, const RunRow& run) {
  nlohmann::json j{{"id", run.id},
                   {"kind", run.kind},
                   {"operator", run.operator_name},
                   {"node", run.node_uuid},
                   {"state", run.state},
                   {"directive", run.directive},
                   {"stage", run.stage},
                   {"progress", run.progress},
                   {"verdict", run.verdict},
                   {"ironic_state", run.driver_state},
                   {"ironic_error", redact_secrets(run.driver_error)},
                   {"attempt", run.attempt},
                   {"acknowledged", run.acked_seq},
                   {"artifacts", run.artifact_count},
                   {"created_at", run.created_at},
                   {"updated_at", run.updated_at},
                   {"last_heartbeat", run.last_heartbeat}};
  if (run.has_report || !run.report.empty()) {
    j["report_url"] = fmt::format("{}/v1/runs/{}/report", ctx.config.public_url, run.id);
    // The summary stored with the report (failures, stage names and
    // verdicts); the report itself for a row read without one.
    auto report =
        nlohmann::json::parse(run.report_summary.empty() ? run.report : run.report_summary, nullptr,
                              false);  // validated when it was stored
    if (const auto* failures = json_path(report, {"failures"}); failures != nullptr)
      j["failures"] = *failures;
    if (const auto* stages = json_path(report, {"stages"});
        stages != nullptr && stages->is_array()) {
      nlohmann::json summary = nlohmann::json::array();
      for (const auto& s : *stages) {
        summary.push_back({{"name", json_string(s, "name").value_or("")},
                           {"verdict", json_string(s, "verdict").value_or("")}});
      }
      j["stages"] = summary;
    }
  }
  return j;
}

namespace {

// POST /v1/burnins and /v1/decommissions: runs of `kind` for nodes or a delivery.
ApiResponse start_runs(ApiCall& call, const std::string& kind) {
  ApiContext& ctx = call.ctx;
  const ApiRequest& request = call.request;
  if (kind == "decommission" && !ctx.signing_key) {
    return api_error(503, "no_signing_key",
                     "set certificate_key in the orchestrator config: a decommission ends with a "
                     "signed certificate");
  }
  auto body = parse_json(request.body, kind + " request", ctx.config.max_body_bytes);
  if (!body || !body->is_object())
    return api_error(400, "malformed", "the body must be a JSON object");
  std::vector<std::string> nodes;
  if (const auto* list = json_path(*body, {"nodes"}); list != nullptr) {
    if (!list->is_array() || list->empty() || list->size() > 10000) {
      return api_error(400, "schema", "'nodes' must be a non-empty array of node UUIDs");
    }
    for (const auto& n : *list) {
      if (!n.is_string() || !valid_node_id(n.get<std::string>())) {
        return api_error(400, "schema", "'nodes' must hold node UUIDs");
      }
      nodes.push_back(n.get<std::string>());
    }
  } else if (auto tag = json_string(*body, "delivery")) {
    auto known = ctx.store.list_delivery_nodes(*tag);
    if (!known) return api_error(503, "store_unavailable", known.error().message);
    for (const auto& n : *known) nodes.push_back(n.uuid);
    if (nodes.empty())
      return api_error(404, "not_found", fmt::format("no known node of delivery '{}'", *tag));
  } else {
    return api_error(400, "schema", "give 'nodes' (array of UUIDs) or 'delivery' (asset tag)");
  }
  std::string operator_name;  // who started it: a decommission certificate names them
  if (const auto* who = json_path(*body, {"operator"}); who != nullptr) {
    if (!who->is_string() || who->get_ref<const std::string&>().size() > 128)
      return api_error(400, "schema", "'operator' must be a name (128 characters at most)");
    operator_name = who->get<std::string>();
  }
  // Every run, or none: the store checks and inserts in one transaction, and
  // its unique index refuses a second unfinished run of a node whichever
  // replica was asked.
  std::vector<RunRow> runs;
  std::vector<std::string> tokens;
  for (const auto& n : nodes) {
    RunRow run;
    run.id = random_run_id();
    run.node_uuid = n;
    run.kind = kind;
    run.operator_name = operator_name;
    tokens.push_back(random_token());
    run.token_hash = token_hash(tokens.back());
    run.driver_state = !ctx.config.ironic.enabled() ? "none" : "start";
    runs.push_back(std::move(run));
  }
  auto conflict = ctx.store.create_runs(runs);
  if (!conflict) return api_error(503, "store_unavailable", conflict.error().message);
  if (*conflict) {
    const RunConflict& c = **conflict;
    return api_error(
        409, "burnin_in_progress",
        fmt::format("node {} is already busy with {} run {}", c.node_uuid, c.kind, c.run_id));
  }
  nlohmann::json started = nlohmann::json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunRow& run = runs[i];
    const std::string& n = run.node_uuid;
    const std::string& token = tokens[i];
    if (!ctx.config.ironic.enabled()) {
      // No Ironic: the operator hands the token to the node (PXE command line).
      started.push_back({{"run_id", run.id},
                         {"node", n},
                         {"token", token},
                         {"kernel_params", kernel_params(ctx.config.public_url, n, token, kind,
                                                         ctx.config.ironic.extra_kernel_params)}});
    } else {
      // The Ironic driver makes the node's token when it deploys it.
      started.push_back({{"run_id", run.id}, {"node", n}});
    }
  }
  return ApiResponse{201, {{"runs", started}}};
}

// GET /v1/runs/{run}[/report|/artifacts]
ApiResponse get_run_part(ApiCall& call, const std::string& part) {
  ApiContext& ctx = call.ctx;
  const std::string& run_id = call.params.get("run");
  auto run = ctx.store.find_run(run_id);
  if (!run) return api_error(503, "store_unavailable", run.error().message);
  if (!*run) return api_error(404, "not_found", fmt::format("no run {}", run_id));
  if (part == "report") {
    if ((*run)->report.empty())
      return api_error(404, "not_found", fmt::format("run {} has no report yet", run_id));
    return ApiResponse{200, nlohmann::json::parse((*run)->report, nullptr, false)};
  }
  if (part == "artifacts") {
    auto lines = ctx.store.artifacts(run_id);
    if (!lines) return api_error(503, "store_unavailable", lines.error().message);
    // ?tail=N: the last N lines only (the dashboard's artifact tail).
    std::size_t first = 0;
    if (auto tail = query_count(call.request.target, "tail"); tail && *tail < lines->size())
      first = lines->size() - *tail;
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = first; i < lines->size(); ++i) out.push_back((*lines)[i].line);
    return ApiResponse{200, {{"run_id", run_id}, {"total", lines->size()}, {"artifacts", out}}};
  }
  nlohmann::json j = run_json(ctx, **run);
  // Unexpected reboots and runner restarts, oldest first (docs/reboots.md).
  auto events = run_events_json(ctx.store, run_id);
  if (!events) return api_error(503, "store_unavailable", events.error().message);
  // The boots the run was streamed from, as the orchestrator saw them: the first runner's,
  // then one per unexpected reboot (a ramdisk node keeps no count of its own; docs/reboots.md).
  const bool streamed = !(*run)->boot_id.empty() || (*run)->artifact_count > 0;
  j["boots"] = streamed ? 1 + std::count_if(events->begin(), events->end(),
                                            [](const auto& e) {
                                              return json_string(e, "kind").value_or("") ==
                                                     "unexpected_reboot";
                                            })
                        : 0;
  j["events"] = std::move(*events);
  return ApiResponse{200, std::move(j)};
}

}  // namespace

ApiResponse start_burnins(ApiCall& call) {
  return start_runs(call, "burnin");
}
ApiResponse start_decommissions(ApiCall& call) {
  return start_runs(call, "decommission");
}

ApiResponse abort_run(ApiCall& call) {
  ApiContext& ctx = call.ctx;
  const std::string& run_id = call.params.get("run");
  auto run = ctx.store.find_run(run_id);
  if (!run) return api_error(503, "store_unavailable", run.error().message);
  if (!*run) return api_error(404, "not_found", fmt::format("no run {}", run_id));
  if (finished(**run))
    return api_error(409, "run_finished", fmt::format("run {} has already ended", run_id));
  if (auto s = ctx.store.set_directive(run_id, "abort"); !s)
    return api_error(503, "store_unavailable", s.error().message);
  return ApiResponse{202, {{"run_id", run_id}, {"directive", "abort"}}};
}

ApiResponse get_runs(ApiCall& call) {
  ApiContext& ctx = call.ctx;
  auto runs = ctx.store.list_runs(RunQuery{});
  if (!runs) return api_error(503, "store_unavailable", runs.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *runs) out.push_back(run_json(ctx, r));
  return ApiResponse{200, {{"runs", out}}};
}

ApiResponse get_run(ApiCall& call) {
  return get_run_part(call, "");
}
ApiResponse get_run_report(ApiCall& call) {
  return get_run_part(call, "report");
}
ApiResponse get_run_artifacts(ApiCall& call) {
  return get_run_part(call, "artifacts");
}

ApiResponse get_delivery_summary(ApiCall& call) {
  const std::string& tag = call.params.get("delivery");
  // The nodes and their runs with reports read once, for the figures and the firmware.
  auto nodes = call.ctx.store.list_delivery_nodes(tag);
  if (!nodes) return api_error(503, "store_unavailable", nodes.error().message);
  auto runs = call.ctx.store.list_runs(delivery_runs_query(tag));
  if (!runs) return api_error(503, "store_unavailable", runs.error().message);
  const std::size_t max_nodes = call.ctx.config.summary_values_max_nodes;
  auto summary =
      summarize_delivery(call.ctx.store, call.ctx.config.outliers, tag, *nodes, *runs, max_nodes);
  if (!summary) return api_error(503, "store_unavailable", summary.error().message);
  if (!*summary) return api_error(404, "not_found", fmt::format("no delivery {}", tag));
  // The firmware distribution and its systematic findings (report/firmware_distribution.hpp).
  add_firmware_to_summary(tag, *nodes, *runs, max_nodes, **summary);
  return ApiResponse{200, std::move(**summary)};
}

}  // namespace kiln::orchestrator
