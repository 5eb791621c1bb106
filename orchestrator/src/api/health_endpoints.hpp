// GET /healthz and GET /readyz: what a service manager, load balancer or
// monitoring probes; neither needs a token nor says anything secret.
//   /healthz  200 {"status":"ok"} while the process serves requests
//   /readyz   200 {"status":"ready","checks":{"store":"ok","ironic":...}} when
//             the store takes a write and Ironic (when configured) answers;
//             else 503 {"status":"not_ready","checks":{"store":"<why>",...}}
#pragma once

#include "api/route_table.hpp"
#include "config/orchestrator_config.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

ApiResponse get_healthz(ApiCall& call);  // GET /healthz (open)
ApiResponse get_readyz(ApiCall& call);   // GET /readyz (open)

// What get_readyz answers, for a store and Ironic settings.
ApiResponse readiness(RunStore& store, const IronicSettings& ironic);

}  // namespace kiln::orchestrator
