// Artifact batches: POST /v1/runs/{id}/artifacts, the API's hot path. The
// batch is parsed (bounded, non-throwing), every line checked, then handed to
// the store: inline (post_artifacts) or to its group commit
// (ApiService::handle_async, answering only after the commit).
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

// POST /v1/runs/{run}/artifacts, stored before it answers.
ApiResponse post_artifacts(ApiCall& call);

// "/v1/runs/{id}/artifacts" -> id (empty for any other target).
std::string_view batch_run_id(std::string_view target);
// The batch's lines, or the refusal naming the first bad one (or saying
// that `run` now streams from another runner: refuse_superseded).
std::variant<std::vector<ArtifactLine>, ApiResponse> parse_batch(const ApiContext& ctx,
                                                                 const ApiRequest& request,
                                                                 const RunRow& run);
// The answer to a stored (or refused by the store) batch.
ApiResponse batch_answer(const Expected<IngestResult>& stored, const RunRow& run);

}  // namespace kiln::orchestrator
