#include "api/node_lists.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "analysis/delivery_summary.hpp"
#include "api/operator_endpoints.hpp"

namespace kiln::orchestrator {
namespace {

nlohmann::json node_json(const NodeRecord& n) {
  return {{"uuid", n.uuid},     {"asset_tag", n.asset_tag},
          {"serial", n.serial}, {"dmi_serial", n.dmi_serial},
          {"macs", n.macs},     {"updated_at", n.updated_at}};
}

// Each node's latest run (of `kind` when given; of the nodes of `delivery`,
// of the nodes `nodes` or of one `node` when given), by node UUID: one SQL
// query, no report text.
using LatestRuns = std::map<std::string, RunRow>;
Expected<LatestRuns> latest_runs(ApiContext& ctx, RunQuery query) {
  query.latest_per_node = true;
  auto runs = ctx.store.list_runs(query);
  if (!runs) return runs.error();
  LatestRuns latest;
  for (auto& r : *runs) latest.emplace(r.node_uuid, std::move(r));
  return latest;
}

std::vector<std::string> uuids_of(const std::vector<NodeRecord>& nodes) {
  std::vector<std::string> uuids;
  uuids.reserve(nodes.size());
  for (const auto& n : nodes) uuids.push_back(n.uuid);
  return uuids;
}

ApiResponse one_node(ApiContext& ctx, const std::string& uuid) {
  // Its row and its latest run: two indexed lookups.
  auto node = ctx.store.find_node(uuid);
  if (!node) return api_error(503, "store_unavailable", node.error().message);
  if (!*node) return api_error(404, "not_found", fmt::format("no node {}", uuid));
  RunQuery query;
  query.node = uuid;
  auto latest = latest_runs(ctx, query);
  if (!latest) return api_error(503, "store_unavailable", latest.error().message);
  auto j = node_json(**node);
  if (auto it = latest->find(uuid); it != latest->end())
    j["latest_run"] = run_json(ctx, it->second);
  return ApiResponse{200, j};
}

// A page of every node, each with its latest run: one indexed range of nodes,
// and the latest runs of those nodes only.
ApiResponse nodes_page(ApiContext& ctx, const NodePageQuery& page_query) {
  auto page = ctx.store.list_nodes_page(page_query);
  if (!page) return api_error(503, "store_unavailable", page.error().message);
  RunQuery query;
  query.nodes = uuids_of(page->nodes);
  auto latest = latest_runs(ctx, query);
  if (!latest) return api_error(503, "store_unavailable", latest.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : page->nodes) {
    auto j = node_json(n);
    if (auto it = latest->find(n.uuid); it != latest->end())
      j["latest_run"] = run_json(ctx, it->second);
    out.push_back(std::move(j));
  }
  nlohmann::json body{{"nodes", std::move(out)}};
  if (page->next) body["next"] = *page->next;
  return ApiResponse{200, std::move(body)};
}

// A delivery's (or every delivery's) counts: nodes, and of each node's latest
// burn-in run passed, failed, errored, running, and of its latest decommission
// run wiped, certified, failed, running: two GROUP BY queries in the store,
// whatever the number of deliveries.
Expected<std::map<std::string, nlohmann::json>> count_deliveries(
    ApiContext& ctx, const std::optional<std::string>& tag) {
  auto counts = ctx.store.burnin_counts(tag);
  if (!counts) return counts.error();
  auto tallies = ctx.store.decommission_counts(tag);
  if (!tallies) return tallies.error();
  std::map<std::string, DecommissionCounts> decommissions;
  for (const auto& t : *tallies) {
    auto& d = decommissions[t.tag];
    d.nodes = t.nodes;
    d.wiped = t.wiped;
    d.certified = t.certified;
    d.failed = t.failed;
    d.running = t.running;
  }
  std::map<std::string, nlohmann::json> out;
  for (const auto& c : *counts) {
    out[c.tag] = {{"tag", c.tag},
                  {"nodes", c.nodes},
                  {"passed", c.passed},
                  {"failed", c.failed},
                  {"errored", c.errored},
                  {"running", c.running},
                  {"started_at", c.started_at},
                  {"decommission", decommissions[c.tag].to_json()}};
  }
  return out;
}

ApiResponse deliveries_list(ApiContext& ctx) {
  auto counts = count_deliveries(ctx, std::nullopt);
  if (!counts) return api_error(503, "store_unavailable", counts.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (auto& [name, d] : *counts) out.push_back(std::move(d));
  return ApiResponse{200, {{"deliveries", out}}};
}

// One delivery: its counts over every node, and one page of its nodes (in
// "node_list"), each with its latest burn-in and decommission runs.
ApiResponse one_delivery(ApiContext& ctx, const std::string& tag, NodePageQuery page_query) {
  auto counts = count_deliveries(ctx, tag);
  if (!counts) return api_error(503, "store_unavailable", counts.error().message);
  if (counts->empty()) return api_error(404, "not_found", fmt::format("no delivery {}", tag));
  page_query.delivery = tag;
  auto page = ctx.store.list_nodes_page(page_query);
  if (!page) return api_error(503, "store_unavailable", page.error().message);
  // The latest burn-ins of this page's nodes only.
  RunQuery query;
  query.nodes = uuids_of(page->nodes);
  query.kind = "burnin";
  auto burnins = latest_runs(ctx, query);
  if (!burnins) return api_error(503, "store_unavailable", burnins.error().message);
  // And their latest decommissions, with which of those carry a certificate.
  query.kind = "decommission";
  auto decommissions = latest_runs(ctx, query);
  if (!decommissions) return api_error(503, "store_unavailable", decommissions.error().message);
  std::vector<RunRow> decommission_runs;
  std::set<std::string> decommissioned;
  for (const auto& [uuid, r] : *decommissions) {
    decommission_runs.push_back(r);
    decommissioned.insert(uuid);
  }
  auto certified = certified_run_ids(ctx.store, decommissioned, decommission_runs);
  if (!certified) return api_error(503, "store_unavailable", certified.error().message);
  nlohmann::json node_list = nlohmann::json::array();
  for (const auto& n : page->nodes) {
    nlohmann::json entry{{"uuid", n.uuid}, {"serial", n.serial}};
    if (auto it = burnins->find(n.uuid); it != burnins->end())
      entry["run"] = run_json(ctx, it->second);
    if (auto it = decommissions->find(n.uuid); it != decommissions->end()) {
      entry["decommission_run"] = run_json(ctx, it->second);
      entry["decommission_run"]["certified"] = certified->contains(it->second.id);
    }
    node_list.push_back(std::move(entry));
  }
  nlohmann::json body = std::move(counts->begin()->second);
  body["node_list"] = std::move(node_list);
  if (page->next) body["next"] = *page->next;
  return ApiResponse{200, std::move(body)};
}

}  // namespace

std::variant<NodePageQuery, ApiResponse> parse_node_page(const std::string& target) {
  NodePageQuery page;
  page.limit = kDefaultPageLimit;
  if (auto limit = query_text(target, "limit")) {
    auto n = query_count(target, "limit");
    if (!n || *n < 1 || *n > kMaxPageLimit)
      return api_error(400, "bad_query",
                       fmt::format("limit={} must be a count of nodes, 1 to {}",
                                   limit->substr(0, 32), kMaxPageLimit));
    page.limit = *n;
  }
  if (auto after = query_text(target, "after"); after && !after->empty()) {
    if (auto refused = refuse_path_parameter(*after))
      return api_error(400, "bad_query",
                       fmt::format("after={} must be a node UUID (the \"next\" of the page "
                                   "before): {}",
                                   after->substr(0, 64), *refused));
    page.after = std::string(*after);
  }
  return page;
}

ApiResponse get_nodes(ApiCall& call) {
  auto page = parse_node_page(call.request.target);
  if (auto* refused = std::get_if<ApiResponse>(&page)) return std::move(*refused);
  return nodes_page(call.ctx, std::get<NodePageQuery>(page));
}
ApiResponse get_node(ApiCall& call) {
  return one_node(call.ctx, call.params.get("node"));
}
ApiResponse get_deliveries(ApiCall& call) {
  return deliveries_list(call.ctx);
}
ApiResponse get_delivery(ApiCall& call) {
  auto page = parse_node_page(call.request.target);
  if (auto* refused = std::get_if<ApiResponse>(&page)) return std::move(*refused);
  return one_delivery(call.ctx, call.params.get("delivery"), std::get<NodePageQuery>(page));
}

}  // namespace kiln::orchestrator
