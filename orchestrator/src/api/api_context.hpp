// What the API's handlers share: the store, the orchestrator's config, the
// profiles and deliveries it resolves nodes against, and the key that signs
// decommission certificates. ApiService owns one; the handlers (free
// functions, see routes.cpp) get it through their ApiCall.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "config/orchestrator_config.hpp"
#include "kiln/config.hpp"
#include "kiln/signature.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

struct ApiContext {
  ApiContext(RunStore& run_store, OrchestratorConfig orchestrator_config)
      : store(run_store), config(std::move(orchestrator_config)) {}

  RunStore& store;
  OrchestratorConfig config;
  std::optional<ConfigSet> configs;  // from config.config_dir; none: nodes get no config summary
  std::optional<signature::SigningKey> signing_key;  // none: certificates are refused
  std::mutex start_mu;  // two concurrent starts must not both pass the "not busy" check
};

}  // namespace kiln::orchestrator
