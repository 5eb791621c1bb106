#include "api/api_service.hpp"

#include <fmt/format.h>

#include "analysis/delivery_summary.hpp"
#include "api/tokens.hpp"
#include "liveness/runner_timeout.hpp"

namespace kiln::orchestrator {

ApiResponse api_error(int status, std::string code, std::string message) {
  return ApiResponse{status,
                     {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}}};
}

std::vector<std::string> split_path(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

ApiService::ApiService(RunStore& store, OrchestratorConfig config)
    : store_(store), config_(std::move(config)) {
  if (!config_.config_dir.empty()) {
    auto loaded = load_config_dir(config_.config_dir);
    if (loaded) configs_ = std::move(*loaded);
  }
  if (config_.public_url.empty())
    config_.public_url = fmt::format("{}://{}:{}", config_.tls_cert.empty() ? "http" : "https",
                                     config_.listen, config_.port);
}

std::string ApiService::kernel_params(const std::string& node_uuid, const std::string& token,
                                      const std::string& mode) const {
  std::string params = fmt::format("kiln.url={} kiln.node={} kiln.token={} kiln.mode={}",
                                   config_.public_url, node_uuid, token, mode);
  // The run decides the mode: a kiln.mode= in extra_kernel_params is dropped,
  // so a node never sees two.
  std::size_t start = 0;
  const std::string& extra = config_.ironic.extra_kernel_params;
  while (start < extra.size()) {
    std::size_t end = extra.find(' ', start);
    if (end == std::string::npos) end = extra.size();
    std::string word = extra.substr(start, end - start);
    if (!word.empty() && word.rfind("kiln.mode=", 0) != 0) params += " " + word;
    start = end + 1;
  }
  return params;
}

ApiResponse ApiService::handle(const ApiRequest& request) noexcept {
  try {
    if (request.body.size() > config_.max_body_bytes) {
      return api_error(413, "body_too_large",
                       fmt::format("request body of {} bytes exceeds the limit of {} bytes",
                                   request.body.size(), config_.max_body_bytes));
    }
    auto path = split_path(request.target);
    if (path.empty() || path[0] != "v1")
      return api_error(404, "not_found", "the API lives under /v1");
    return route(request, path);
  } catch (const std::exception& e) {
    return api_error(500, "internal", e.what());
  } catch (...) {
    return api_error(500, "internal", "unexpected failure");
  }
}

ApiResponse ApiService::route(const ApiRequest& request, const std::vector<std::string>& path) {
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const std::size_t n = path.size();
  // Decommission certificates: runner (POST), operator (GET), public key.
  if (auto answer = route_certificates(request, path)) return *answer;
  // Runner side: the run's own token.
  if (n == 3 && path[1] == "runs" && path[2] == "register") {
    if (!post) return api_error(405, "method_not_allowed", "use POST");
    auto registered = register_run(request);
    if (registered.status == 200)  // the runner's first sign of life
      (void)store_.record_heartbeat(registered.body.value("run_id", std::string()));
    return registered;
  }
  if (n == 4 && path[1] == "runs" &&
      (path[3] == "artifacts" || path[3] == "heartbeat" || path[3] == "report" ||
       path[3] == "directive")) {
    const bool runner_call = (post && path[3] != "directive") || (get && path[3] == "directive");
    if (runner_call) {
      RunRow run;
      if (auto refused = authorize_runner(request, path[2], run)) return *refused;
      if (path[3] != "heartbeat") note_runner_contact(store_, run, config_.runner_timeout);
      if (path[3] == "artifacts") return post_artifacts(request, run);
      if (path[3] == "heartbeat") return post_heartbeat(run);
      if (path[3] == "report") return post_report(request, run);
      return ApiResponse{200, directive_json(run)};
    }
  }
  // Operator side.
  if (auto refused = authorize_operator(request)) return *refused;
  if (path[1] == "runs") {
    if (n == 2 && get) return get_runs();
    if (n == 3 && get) return get_run(path[2], "");
    if (n == 4 && get && (path[3] == "report" || path[3] == "artifacts"))
      return get_run(path[2], path[3]);
    if (n == 4 && post && path[3] == "abort") return abort_run(path[2]);
  } else if (path[1] == "burnins") {
    if (n == 2 && post) return start_burnin(request);
  } else if (path[1] == "decommissions") {
    if (n == 2 && post) return start_burnin(request, "decommission");
  } else if (path[1] == "nodes") {
    if (n == 2 && get) return get_nodes(std::nullopt);
    if (n == 3 && get) return get_nodes(path[2]);
  } else if (path[1] == "deliveries") {
    if (n == 2 && get) return get_deliveries(std::nullopt);
    if (n == 3 && get) return get_deliveries(path[2]);
    if (n == 4 && get && path[3] == "summary")
      return delivery_summary_response(store_, config_, path[2]);
  }
  return api_error(404, "not_found",
                   fmt::format("no endpoint {} {}", request.method, request.target));
}

std::optional<ApiResponse> ApiService::authorize_operator(const ApiRequest& request) const {
  auto token = bearer_token(request.authorization);
  if (!token)
    return api_error(401, "unauthenticated",
                     "operator endpoints need 'Authorization: Bearer <token>'");
  if (!constant_time_equal(token_hash(*token), token_hash(config_.operator_token))) {
    return api_error(401, "unauthenticated", "the operator token is not valid");
  }
  return std::nullopt;
}

std::optional<ApiResponse> ApiService::authorize_runner(const ApiRequest& request,
                                                        const std::string& run_id, RunRow& run,
                                                        bool for_batch) {
  auto token = bearer_token(request.authorization);
  if (!token)
    return api_error(401, "unauthenticated",
                     "runner endpoints need 'Authorization: Bearer <kiln.token>'");
  auto found = for_batch ? store_.find_run_for_batch(run_id) : store_.find_run(run_id);
  if (!found) return api_error(503, "store_unavailable", found.error().message);
  // An unknown run and a token of another run get the same answer: nothing leaks.
  if (!*found || !constant_time_equal(token_hash(*token), (*found)->token_hash)) {
    return api_error(403, "forbidden", fmt::format("this token may not write run {}", run_id));
  }
  run = **found;
  return std::nullopt;
}

}  // namespace kiln::orchestrator
