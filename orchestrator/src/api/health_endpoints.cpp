#include "api/health_endpoints.hpp"

#include <algorithm>

#include "ironic/ironic_client.hpp"

namespace kiln::orchestrator {

ApiResponse get_healthz(ApiCall& /*call*/) {
  return ApiResponse{200, {{"status", "ok"}}};
}

ApiResponse get_readyz(ApiCall& call) {
  return readiness(call.ctx.store, call.ctx.config.ironic);
}

ApiResponse readiness(RunStore& store, const IronicSettings& ironic) {
  nlohmann::json checks = nlohmann::json::object();
  bool ready = true;
  if (auto written = store.check_writable(); written) {
    checks["store"] = "ok";
  } else {
    ready = false;
    checks["store"] = written.error().message;
  }
  if (!ironic.enabled()) {
    checks["ironic"] = "not configured";
  } else {
    // A probe answers within seconds, whatever the driver's own timeout.
    const auto timeout =
        std::min<std::chrono::milliseconds>(ironic.request_timeout, std::chrono::seconds(5));
    if (auto answered = IronicClient(ironic, timeout).reachable(); answered) {
      checks["ironic"] = "ok";
    } else {
      ready = false;
      checks["ironic"] = answered.error().message;
    }
  }
  return ApiResponse{ready ? 200 : 503,
                     {{"status", ready ? "ready" : "not_ready"}, {"checks", std::move(checks)}}};
}

}  // namespace kiln::orchestrator
