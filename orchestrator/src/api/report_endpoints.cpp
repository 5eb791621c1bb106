#include "api/report_endpoints.hpp"

#include <fmt/format.h>

#include "analysis/delivery_summary.hpp"
#include "report/delivery_nodes.hpp"
#include "report/delivery_report.hpp"
#include "report/firmware_distribution.hpp"
#include "report/report_render.hpp"
#include "report/report_signing.hpp"

namespace kiln::orchestrator {
namespace {

ApiResponse delivery_report(ApiCall& call, ReportFormat format) {
  ApiContext& ctx = call.ctx;
  const std::string& tag = call.params.get("delivery");
  if (!ctx.signing_key) {
    return api_error(503, "no_signing_key",
                     "this orchestrator has no certificate_key configured: it cannot sign the "
                     "delivery report");
  }
  const auto configs = ctx.configs.get();  // held to the end of the request
  const Delivery* delivery = nullptr;
  if (configs) {
    if (auto it = configs->deliveries.find(tag); it != configs->deliveries.end())
      delivery = &it->second;
  }
  auto body = build_delivery_report(ctx.store, ctx.config.outliers,
                                    DeliveryReportInput{tag, delivery, utc_now()});
  if (!body) return api_error(503, "store_unavailable", body.error().message);
  if (!*body) return api_error(404, "not_found", fmt::format("no delivery {}", tag));
  if (format == ReportFormat::kJson) {
    auto signed_doc = sign_report_json(**body, *ctx.signing_key);
    if (!signed_doc) return api_error(500, "signing_failed", signed_doc.error().message);
    return ApiResponse{200, std::move(*signed_doc)};
  }
  const std::string key_id = signature::key_id(ctx.signing_key->public_key);
  const std::string rendered = format == ReportFormat::kHtml ? render_report_html(**body, key_id)
                                                             : render_report_csv(**body);
  auto signed_text = sign_report_text(rendered, format, *ctx.signing_key);
  if (!signed_text) return api_error(500, "signing_failed", signed_text.error().message);
  ApiResponse page;
  page.content_type =
      format == ReportFormat::kHtml ? "text/html; charset=utf-8" : "text/csv; charset=utf-8";
  page.text = std::move(*signed_text);
  if (format == ReportFormat::kCsv) {
    page.headers.emplace_back("Content-Disposition",
                              fmt::format("attachment; filename=\"kiln-report-{}.csv\"", tag));
  }
  return page;
}

}  // namespace

ApiResponse get_delivery_report(ApiCall& call) {
  return delivery_report(call, ReportFormat::kJson);
}
ApiResponse get_delivery_report_html(ApiCall& call) {
  return delivery_report(call, ReportFormat::kHtml);
}
ApiResponse get_delivery_report_csv(ApiCall& call) {
  return delivery_report(call, ReportFormat::kCsv);
}

void add_firmware_to_summary(const std::string& tag, const std::vector<NodeRecord>& nodes,
                             const std::vector<RunRow>& runs, std::size_t values_max_nodes,
                             nlohmann::json& summary) {
  const auto members = delivery_nodes(tag, nodes, runs, /*firmware_only=*/true);
  const auto distribution = firmware_distribution(members);
  summary["firmware"] =
      to_json(distribution, members.size() > values_max_nodes ? kSummaryMissingNamed
                                                              : static_cast<std::size_t>(-1));
  nlohmann::json flags = nlohmann::json::object();
  for (const auto& m : members) {
    auto found = findings_of_node(distribution, m.node.uuid);
    if (found.empty()) continue;
    auto& list = flags[m.node.uuid] = nlohmann::json::array();
    for (const auto* f : found) list.push_back(f->message);
  }
  summary["firmware_flags"] = std::move(flags);
}

}  // namespace kiln::orchestrator
