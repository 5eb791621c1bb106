#include "api/access.hpp"

#include <fmt/format.h>

#include "api/tokens.hpp"

namespace kiln::orchestrator {

std::optional<ApiResponse> authorize_operator(const ApiContext& ctx, const ApiRequest& request) {
  auto token = bearer_token(request.authorization);
  if (!token)
    return api_error(401, "unauthenticated",
                     "operator endpoints need 'Authorization: Bearer <token>'");
  if (!constant_time_equal(token_hash(*token), token_hash(ctx.config.operator_token)))
    return api_error(401, "unauthenticated", "the operator token is not valid");
  return std::nullopt;
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
