// What the Ironic driver tells a node about the orchestrator it reports to,
// and whose certificates it trusts. ApiService::endpoint() makes one once the
// server's address is known.
#pragma once

#include <optional>
#include <string>

#include "kiln/signature.hpp"

namespace kiln::orchestrator {

struct OrchestratorEndpoint {
  std::string public_url;  // kiln.url: "https://orchestrator.example:8480"
  std::optional<signature::PublicKey> certificate_key;  // checks decommission certificates
};

}  // namespace kiln::orchestrator
