#include "api/access.hpp"

#include <fmt/format.h>

#include "api/tokens.hpp"
#include "ui/session.hpp"

namespace kiln::orchestrator {

namespace {

ApiResponse read_only() {
  return api_error(403, "read_only",
                   "a viewer token sees but does not act: this needs the operator token");
}

}  // namespace

std::optional<ApiResponse> authorize_operator(const ApiContext& ctx, const ApiRequest& request) {
  if (auto token = bearer_token(request.authorization)) {
    switch (token_role(ctx.config, *token)) {
      case Role::operator_role:
        return std::nullopt;
      case Role::viewer:
        return read_only();
      case Role::none:
        break;
    }
    return api_error(401, "unauthenticated", "the operator token is not valid");
  }
  if (!request.authorization.empty())
    return api_error(401, "unauthenticated",
                     "operator endpoints need 'Authorization: Bearer <token>'");
  auto session = check_session(ctx.config, request.cookie, std::chrono::system_clock::now());
  if (!session)
    return api_error(401, "unauthenticated",
                     "operator endpoints need 'Authorization: Bearer <token>' (or a dashboard "
                     "session: log in at /ui/)");
  if (session->role != Role::operator_role) return read_only();
  if (request.method != "GET" && !constant_time_equal(request.csrf, session->csrf))
    return api_error(403, "csrf",
                     "a POST of a dashboard session must carry its X-Kiln-CSRF token (GET "
                     "/ui/session)");
  return std::nullopt;
}

std::optional<ApiResponse> authorize_reader(const ApiContext& ctx, const ApiRequest& request) {
  if (auto token = bearer_token(request.authorization)) {
    if (token_role(ctx.config, *token) != Role::none) return std::nullopt;
    return api_error(401, "unauthenticated", "neither the operator token nor a viewer token");
  }
  if (request.authorization.empty() &&
      check_session(ctx.config, request.cookie, std::chrono::system_clock::now()))
    return std::nullopt;
  return api_error(401, "unauthenticated",
                   "this endpoint needs 'Authorization: Bearer <token>' (operator or viewer), or "
                   "a dashboard session (log in at /ui/)");
}

std::optional<ApiResponse> authorize_runner(ApiContext& ctx, const ApiRequest& request,
                                            const std::string& run_id, RunRow& run,
                                            bool for_batch) {
  auto token = bearer_token(request.authorization);
  if (!token)
    return api_error(401, "unauthenticated",
                     "runner endpoints need 'Authorization: Bearer <kiln.token>'");
  auto found = for_batch ? ctx.store.find_run_for_batch(run_id) : ctx.store.find_run(run_id);
  if (!found) return api_error(503, "store_unavailable", found.error().message);
  if (!*found || !constant_time_equal(token_hash(*token), (*found)->token_hash))
    return api_error(403, "forbidden", fmt::format("this token may not write run {}", run_id));
  run = **found;
  return std::nullopt;
}

}  // namespace kiln::orchestrator
