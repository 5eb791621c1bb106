// Who may call what: the operator token (config), the read-only viewer tokens
// (config `viewer_tokens`), each as a bearer token or a dashboard session
// (ui/session.hpp), and each run's own token (its SHA-256 is stored). A
// refusal is an ApiResponse; nullopt lets the call in.
#pragma once

#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "api/api_types.hpp"

namespace kiln::orchestrator {

// The operator: its token, or its session (a POST also with the session's
// X-Kiln-CSRF). A viewer gets 403.
std::optional<ApiResponse> authorize_operator(const ApiContext& ctx, const ApiRequest& request);
// The operator or a viewer (reads).
std::optional<ApiResponse> authorize_reader(const ApiContext& ctx, const ApiRequest& request);

// Fills `run` when the bearer token is run `run_id`'s; an unknown run and
// another run's token get the same 403. `for_batch`: the artifact path's read
// (RunStore::find_run_for_batch).
std::optional<ApiResponse> authorize_runner(ApiContext& ctx, const ApiRequest& request,
                                            const std::string& run_id, RunRow& run,
                                            bool for_batch = false);

}  // namespace kiln::orchestrator
