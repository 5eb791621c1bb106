// Decommission certificates: the runner posts the unsigned body, the
// orchestrator signs it with its Ed25519 key, stores it (committed before the
// answer) and serves it to operators as JSON or HTML. The public key is public.
#pragma once

#include "api/route_table.hpp"

namespace kiln::orchestrator {

ApiResponse post_certificate(ApiCall& call);      // POST /v1/runs/{run}/certificate (run token)
ApiResponse get_certificate(ApiCall& call);       // GET /v1/runs/{run}/certificate
ApiResponse get_certificate_html(ApiCall& call);  // GET /v1/runs/{run}/certificate.html
ApiResponse get_node_certificate(ApiCall& call);  // GET /v1/nodes/{node}/certificate
ApiResponse get_certificate_key(ApiCall& call);   // GET /v1/certificate-key (open)

}  // namespace kiln::orchestrator
