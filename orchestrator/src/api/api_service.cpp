#include "api/api_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "api/access.hpp"
#include "api/artifact_batches.hpp"
#include "api/routes.hpp"
#include "live/events_endpoint.hpp"
#include "log/log.hpp"
#include "metrics/metrics.hpp"
#include "ui/ui_endpoints.hpp"

namespace kiln::orchestrator {
namespace {

// Runs a matched route: path parameters checked, then access, then the handler.
ApiResponse dispatch(ApiContext& ctx, const ApiRequest& request, RouteMatch match) {
  const Route& route = *match.route;
  for (const auto& [name, value] : match.params.all()) {
    if (auto refused = refuse_path_parameter(value))
      return api_error(400, "bad_path_parameter", fmt::format("{{{}}} {}", name, *refused));
  }
  ApiCall call{ctx, request, std::move(match.params), {}};
  switch (route.access) {
    case Access::open:
    case Access::self_checked:
      break;
    case Access::operator_token:
      if (auto refused = authorize_operator(ctx, request)) return *refused;
      break;
    case Access::reader:
      if (auto refused = authorize_reader(ctx, request)) return *refused;
      break;
    case Access::run_token:
      if (auto refused = authorize_runner(ctx, request, call.params.get("run"), call.run))
        return *refused;
      break;
  }
  return route.handler(call);
}

std::string joined(const std::vector<std::string_view>& methods) {
  std::string out;
  for (auto m : methods) {
    if (out.find(m) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

// The delivery views ReadCache keeps.
bool is_cached_view(const Route& route) {
  return route.pattern == "/v1/deliveries/{delivery}" ||
         route.pattern == "/v1/deliveries/{delivery}/summary";
}

}  // namespace

ApiResponse api_error(int status, std::string code, std::string message) {
  return ApiResponse{status,
                     {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}}};
}

ApiService::ApiService(RunStore& store, OrchestratorConfig config)
    : live_store_(store, feed_), ctx_(live_store_, std::move(config)) {
  ctx_.feed = &feed_;
  (void)reload_configs();  // a mistake is logged; nodes then register without a config
  if (ctx_.config.public_url.empty())
    ctx_.config.public_url =
        fmt::format("{}://{}:{}", ctx_.config.tls_cert.empty() ? "http" : "https",
                    ctx_.config.listen, ctx_.config.port);
}

Status ApiService::reload_configs() {
  const std::string& dir = ctx_.config.config_dir;
  if (dir.empty()) return ok();
  auto loaded = load_config_dir(dir);
  if (!loaded) {
    log_line(LogLevel::error, "config_dir not loaded; the profiles and deliveries in use stay",
             {{"config_dir", dir}, {"error", loaded.error().message}});
    return loaded.error();
  }
  auto fresh = std::make_shared<const ConfigSet>(std::move(*loaded));
  const auto profiles = std::to_string(fresh->profiles.size());
  const auto deliveries = std::to_string(fresh->deliveries.size());
  ctx_.configs.replace(std::move(fresh));
  if (read_cache_) read_cache_->clear();  // the views were judged against the old tender
  log_line(LogLevel::info, "config_dir loaded",
           {{"config_dir", dir}, {"profiles", profiles}, {"deliveries", deliveries}});
  return ok();
}

OrchestratorEndpoint ApiService::endpoint() const {
  OrchestratorEndpoint e;
  e.public_url = ctx_.config.public_url;
  if (ctx_.signing_key) e.certificate_key = ctx_.signing_key->public_key;
  return e;
}

ApiResponse ApiService::handle(const ApiRequest& request) noexcept {
  try {
    if (request.body.size() > ctx_.config.max_body_bytes) {
      return api_error(413, "body_too_large",
                       fmt::format("request body of {} bytes exceeds the limit of {} bytes",
                                   request.body.size(), ctx_.config.max_body_bytes));
    }
    if (is_ui_index(request.target)) {  // "/ui/": the table has no empty segment
      ApiRequest index = request;
      index.target = "/ui/index.html";
      return handle(index);
    }
    auto match = match_route(api_routes(), request.method, request.target);
    if (match.route != nullptr && read_cache_ && is_cached_view(*match.route))
      return cached_view(request, std::move(match));
    if (match.route != nullptr) return dispatch(ctx_, request, std::move(match));
    // The target is echoed only in part: it may be 8 KiB of anything.
    const std::string shown = request.target.substr(0, 200);
    if (!match.allowed.empty()) {
      const std::string allow = joined(match.allowed);
      auto refused = api_error(
          405, "method_not_allowed",
          fmt::format("{} does not take {}; use {}", shown, request.method.substr(0, 16), allow));
      refused.headers.emplace_back("Allow", allow);
      return refused;
    }
    return api_error(404, "not_found",
                     fmt::format("no endpoint {} {} (the API lives under /v1)",
                                 request.method.substr(0, 16), shown));
  } catch (const std::exception& e) {
    return api_error(500, "internal", e.what());
  } catch (...) {
    return api_error(500, "internal", "unexpected failure");
  }
}

void ApiService::enable_read_cache() {
  read_cache_ = std::make_unique<ReadCache>(feed_);
}

// A delivery view: access checked on every call, the answer from the cache while
// none of the delivery's nodes (nor their runs) changed.
ApiResponse ApiService::cached_view(const ApiRequest& request, RouteMatch match) {
  const std::string tag(match.params.get("delivery"));
  if (refuse_path_parameter(tag)) return dispatch(ctx_, request, std::move(match));
  if (auto refused = authorize_reader(ctx_, request)) return *refused;
  return read_cache_->get(request.target, [&]() {
    ReadCache::Computed c;
    c.delivery = tag;
    auto nodes = ctx_.store.list_delivery_nodes(tag);
    if (!nodes) {
      c.answer = api_error(503, "store_unavailable", nodes.error().message);
      return c;
    }
    for (const auto& n : *nodes) c.nodes.push_back(n.uuid);
    c.answer = dispatch(ctx_, request, std::move(match));
    return c;
  });
}

bool ApiService::is_artifact_batch(const ApiRequest& request) {
  return request.method == "POST" && !batch_run_id(request.target).empty();
}

bool ApiService::is_async(const ApiRequest& request) {
  return is_artifact_batch(request) || is_events_request(request);
}

void ApiService::handle_async(const ApiRequest& request, const Reply& outer) noexcept {
  if (is_events_request(request)) {
    try {
      if (request.body.size() > ctx_.config.max_body_bytes)
        return outer(handle(request));  // handle() answers the refusal
      return wait_for_events(ctx_, request, outer);
    } catch (const std::exception& e) {
      return outer(api_error(500, "internal", e.what()));
    } catch (...) {
      return outer(api_error(500, "internal", "unexpected failure"));
    }
  }
  // Every answer is counted (stored or refused) with its latency.
  const auto received = std::chrono::steady_clock::now();
  const Reply reply = [outer, received](ApiResponse answer) {
    Metrics& m = metrics();
    ++(answer.status == 200 ? m.batches_stored : m.batches_refused);
    m.batch_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    outer(std::move(answer));
  };
  try {
    const auto run_id = batch_run_id(request.target);
    if (request.method != "POST" || run_id.empty() || refuse_path_parameter(run_id) ||
        request.body.size() > ctx_.config.max_body_bytes) {
      return reply(handle(request));  // handle() answers these refusals
    }
    RunRow run;
    if (auto refused =
            authorize_runner(ctx_, request, std::string(run_id), run, /*for_batch=*/true))
      return reply(std::move(*refused));
    auto parsed = parse_batch(ctx_, request, run);
    if (auto* refused = std::get_if<ApiResponse>(&parsed)) return reply(std::move(*refused));
    std::string id = run.id;
    ctx_.store.ingest_async(id, std::move(std::get<std::vector<ArtifactLine>>(parsed)),
                            [reply, run = std::move(run)](Expected<IngestResult> stored) {
                              ApiResponse answer;
                              if (stored)
                                metrics().artifact_lines +=
                                    static_cast<std::uint64_t>(std::max(stored->stored, 0));
                              try {
                                answer = batch_answer(stored, run);
                              } catch (const std::exception& e) {
                                answer = api_error(500, "internal", e.what());
                              }
                              reply(std::move(answer));
                            });
  } catch (const std::exception& e) {
    reply(api_error(500, "internal", e.what()));
  } catch (...) {
    reply(api_error(500, "internal", "unexpected failure"));
  }
}

}  // namespace kiln::orchestrator
