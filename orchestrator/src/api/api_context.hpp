// What the API's handlers share: the store, the orchestrator's config, the
// profiles and deliveries it resolves nodes against, and the key that signs
// decommission certificates. ApiService owns one; the handlers (free
// functions, see routes.cpp) get it through their ApiCall.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/orchestrator_config.hpp"
#include "kiln/config.hpp"
#include "kiln/signature.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

// The profiles and deliveries of config_dir as last (re)loaded. A reload
// (SIGHUP) swaps in a whole new set; a request holds the set it took with
// get() to its end, whatever a reload does meanwhile.
class ConfigSnapshot {
 public:
  [[nodiscard]] std::shared_ptr<const ConfigSet> get() const {
    std::lock_guard lock(mu_);
    return set_;
  }
  void replace(std::shared_ptr<const ConfigSet> set) {
    std::lock_guard lock(mu_);
    set_ = std::move(set);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ConfigSet> set_;  // null: nodes get no config summary
};

class ChangeFeed;  // live/change_feed.hpp

struct ApiContext {
  ApiContext(RunStore& run_store, OrchestratorConfig orchestrator_config)
      : store(run_store), config(std::move(orchestrator_config)) {}

  RunStore& store;
  OrchestratorConfig config;
  ConfigSnapshot configs;                            // from config.config_dir
  std::optional<signature::SigningKey> signing_key;  // none: certificates are refused
  ChangeFeed* feed = nullptr;  // GET /v1/events (live/): ApiService's own
};

}  // namespace kiln::orchestrator
