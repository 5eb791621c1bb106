// The orchestrator's API, one line per endpoint. docs/orchestrator.md lists
// the same endpoints for operators; tests/orchestrator/routes_test.cpp walks
// every line with every method and token.
#include "api/routes.hpp"

#include <array>

#include "api/artifact_batches.hpp"
#include "api/certificate_endpoints.hpp"
#include "api/health_endpoints.hpp"
#include "api/node_lists.hpp"
#include "api/operator_endpoints.hpp"
#include "api/report_endpoints.hpp"
#include "api/runner_endpoints.hpp"
#include "live/events_endpoint.hpp"
#include "metrics/exposition.hpp"
#include "ui/ui_endpoints.hpp"

namespace kiln::orchestrator {
namespace {

using enum Access;

constexpr std::array kRoutes{
    // The runner, with its run's token.
    Route{"POST", "/v1/runs/register", self_checked, register_run},
    Route{"POST", "/v1/runs/{run}/artifacts", run_token, post_artifacts},
    Route{"POST", "/v1/runs/{run}/heartbeat", run_token, post_heartbeat},
    Route{"POST", "/v1/runs/{run}/report", run_token, post_report},
    Route{"GET", "/v1/runs/{run}/directive", run_token, get_directive},
    Route{"POST", "/v1/runs/{run}/certificate", run_token, post_certificate},
    // Operators (POST) and, for reads, viewers too: a token or a dashboard session.
    Route{"POST", "/v1/burnins", operator_token, start_burnins},
    Route{"POST", "/v1/decommissions", operator_token, start_decommissions},
    Route{"GET", "/v1/runs", reader, get_runs},
    Route{"GET", "/v1/runs/{run}", reader, get_run},
    Route{"GET", "/v1/runs/{run}/report", reader, get_run_report},
    Route{"GET", "/v1/runs/{run}/artifacts", reader, get_run_artifacts},
    Route{"POST", "/v1/runs/{run}/abort", operator_token, abort_run},
    Route{"GET", "/v1/runs/{run}/certificate", reader, get_certificate},
    Route{"GET", "/v1/runs/{run}/certificate.html", reader, get_certificate_html},
    Route{"GET", "/v1/nodes", reader, get_nodes},
    Route{"GET", "/v1/nodes/{node}", reader, get_node},
    Route{"GET", "/v1/nodes/{node}/certificate", reader, get_node_certificate},
    Route{"GET", "/v1/deliveries", reader, get_deliveries},
    Route{"GET", "/v1/deliveries/{delivery}", reader, get_delivery},
    Route{"GET", "/v1/deliveries/{delivery}/summary", reader, get_delivery_summary},
    Route{"GET", "/v1/deliveries/{delivery}/report", reader, get_delivery_report},
    Route{"GET", "/v1/deliveries/{delivery}/report.html", reader, get_delivery_report_html},
    Route{"GET", "/v1/deliveries/{delivery}/report.csv", reader, get_delivery_report_csv},
    // The dashboard's long poll: what changed after a sequence number (live/).
    Route{"GET", "/v1/events", reader, get_events},
    // Anyone: the key that checks decommission certificates; the health probes.
    Route{"GET", "/v1/certificate-key", open, get_certificate_key},
    Route{"GET", "/healthz", open, get_healthz},
    Route{"GET", "/readyz", open, get_readyz},
    // Prometheus: open, or the metrics_token (checked by the handler).
    Route{"GET", "/metrics", self_checked, get_metrics},
    // The dashboard: its files (anyone; the data comes from the API) and its session.
    Route{"GET", "/ui", open, get_ui_root},
    Route{"GET", "/ui/session", open, get_ui_session},
    Route{"POST", "/ui/login", open, post_ui_login},
    Route{"POST", "/ui/logout", open, post_ui_logout},
    Route{"GET", "/ui/{asset}", open, get_ui_asset},
};

}  // namespace

std::span<const Route> api_routes() {
  return kRoutes;
}

}  // namespace kiln::orchestrator
