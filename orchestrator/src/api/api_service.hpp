// The orchestrator's HTTP API as a function from request to response,
// independent of the transport (server/http_server.cpp carries it over
// Boost.Beast; the tests call it directly). Requests are looked up in the
// route table (routes.cpp): runner endpoints authenticate with the run's own
// token, operator endpoints with the operator token. A refused request
// changes nothing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "api/api_types.hpp"
#include "api/route_table.hpp"
#include "config/orchestrator_endpoint.hpp"
#include "live/change_feed.hpp"
#include "live/notifying_store.hpp"
#include "live/read_cache.hpp"

namespace kiln::orchestrator {

class ApiService {
 public:
  ApiService(RunStore& store, OrchestratorConfig config);
  // Never throws: an unexpected exception becomes a 500.
  ApiResponse handle(const ApiRequest& request) noexcept;
  // Artifact batches (POST /v1/runs/{id}/artifacts) are parsed and authorized
  // here, then queued for the store's group commit: `reply` runs after the
  // commit (on the store's writer thread; it must not block), or at once with
  // a refusal. Any other request: reply(handle(request)). Never throws.
  using Reply = std::function<void(ApiResponse)>;
  void handle_async(const ApiRequest& request, const Reply& reply) noexcept;
  // Whether handle_async answers `request` without a blocking store write.
  static bool is_artifact_batch(const ApiRequest& request);
  // Whether handle_async should take `request`: an artifact batch, or the
  // dashboard's long poll (GET /v1/events), which waits without a thread.
  static bool is_async(const ApiRequest& request);
  // The store as the service writes it: every successful write is published
  // to the change feed GET /v1/events waits on. The Ironic driver and the
  // runner watchdog write through it too, so the dashboard sees their changes.
  [[nodiscard]] RunStore& store() { return live_store_; }
  // Keeps the delivery views (GET /v1/deliveries/{tag}, .../summary) while
  // nothing they read changed (live/read_cache.hpp). Only where this process
  // is the store's only writer (SQLite).
  void enable_read_cache();
  // Answers every GET /v1/events still waiting (shutdown).
  void close_events() { feed_.close(); }

  // Reads config_dir's profiles and deliveries again and swaps them in whole
  // (SIGHUP: systemctl reload); requests in flight keep the set they started
  // with. On an error (logged, with file:line) the set in use stays.
  Status reload_configs();

  void set_public_url(std::string url) { ctx_.config.public_url = std::move(url); }
  [[nodiscard]] const std::string& public_url() const { return ctx_.config.public_url; }
  // The key that signs decommission certificates (none: they are refused).
  void set_signing_key(signature::SigningKey key) { ctx_.signing_key = key; }
  [[nodiscard]] const std::optional<signature::SigningKey>& signing_key() const {
    return ctx_.signing_key;
  }
  // What the Ironic driver tells nodes about this orchestrator.
  [[nodiscard]] OrchestratorEndpoint endpoint() const;

 private:
  ApiResponse cached_view(const ApiRequest& request, RouteMatch match);

  ChangeFeed feed_;
  NotifyingRunStore live_store_;
  ApiContext ctx_;
  std::unique_ptr<ReadCache> read_cache_;
};

}  // namespace kiln::orchestrator
