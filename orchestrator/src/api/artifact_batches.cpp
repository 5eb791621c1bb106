#include "api/artifact_batches.hpp"

#include <fmt/format.h>

#include "api/runner_endpoints.hpp"
#include "kiln/json_input.hpp"
#include "liveness/runner_timeout.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxArtifactLine = 1024U * 1024U;

// What one OCPTV line says about progress: a step starting, a progress value.
void read_progress(const nlohmann::json& artifact, ArtifactLine& out) {
  const auto* step = json_path(artifact, {"testStepArtifact"});
  if (step == nullptr) return;
  if (const auto* start = json_path(*step, {"testStepStart"}); start != nullptr)
    out.stage = json_string(*start, "name");
  if (const auto* element = json_path(*step, {"measurementSeriesElement"}); element != nullptr) {
    auto id = json_string(*element, "measurementSeriesId");
    if (id && id->size() >= 9 && id->compare(id->size() - 9, 9, "-progress") == 0) {
      out.progress = json_number(*element, "value");
    }
  }
}

}  // namespace

std::string_view batch_run_id(std::string_view target) {
  constexpr std::string_view kPrefix = "/v1/runs/";
  constexpr std::string_view kSuffix = "/artifacts";
  target = target.substr(0, target.find('?'));
  if (target.size() <= kPrefix.size() + kSuffix.size() ||
      target.substr(0, kPrefix.size()) != kPrefix ||
      target.substr(target.size() - kSuffix.size()) != kSuffix) {
    return {};
  }
  auto id = target.substr(kPrefix.size(), target.size() - kPrefix.size() - kSuffix.size());
  return id.find('/') == std::string_view::npos ? id : std::string_view();
}

std::variant<std::vector<ArtifactLine>, ApiResponse> parse_batch(const ApiContext& ctx,
                                                                 const ApiRequest& request,
                                                                 const RunRow& run) {
  auto body = parse_json(request.body, "artifact batch", ctx.config.max_body_bytes);
  if (!body || !body->is_object())
    return api_error(400, "malformed", "the body must be a JSON object");
  if (auto refused = refuse_superseded(run, *body)) return std::move(*refused);
  const auto* lines = json_path(*body, {"artifacts"});
  if (lines == nullptr || !lines->is_array())
    return api_error(400, "schema", "'artifacts' must be an array");
  if (lines->size() > ctx.config.max_batch_lines) {
    return api_error(413, "batch_too_large",
                     fmt::format("{} artifacts in one batch, the limit is {}", lines->size(),
                                 ctx.config.max_batch_lines));
  }
  auto& items = (*body)["artifacts"];  // the lines are moved out, not copied
  std::vector<ArtifactLine> batch;
  batch.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    if (!item.is_string())
      return api_error(400, "schema", fmt::format("artifacts[{}] must be a string", i));
    auto& text = item.get_ref<std::string&>();
    auto artifact = parse_json(text, "OCPTV artifact", kMaxArtifactLine);
    if (!artifact || !artifact->is_object()) {
      return api_error(400, "schema", fmt::format("artifacts[{}] is not a JSON object", i));
    }
    auto seq = json_integer(*artifact, "sequenceNumber");
    if (!seq || *seq < 0) {
      return api_error(400, "schema",
                       fmt::format("artifacts[{}] has no non-negative integer sequenceNumber", i));
    }
    if (!json_string(*artifact, "timestamp")) {
      return api_error(400, "schema", fmt::format("artifacts[{}] has no timestamp", i));
    }
    // Stored as sent (it is valid JSON); re-serialised only when a line break
    // inside would split the JSONL export.
    ArtifactLine line{*seq, {}, std::nullopt, std::nullopt};
    line.line =
        text.find_first_of("\r\n") == std::string::npos ? std::move(text) : artifact->dump();
    read_progress(*artifact, line);
    batch.push_back(std::move(line));
  }
  return batch;
}

ApiResponse batch_answer(const Expected<IngestResult>& stored, const RunRow& run) {
  if (!stored) return api_error(503, "store_unavailable", stored.error().message);
  return ApiResponse{200,
                     {{"acknowledged", stored->acknowledged},
                      {"stored", stored->stored},
                      {"directive", directive_json(run)}}};
}

ApiResponse post_artifacts(ApiCall& call) {
  note_runner_contact(call.ctx.store, call.run, call.ctx.config.runner_timeout);
  auto parsed = parse_batch(call.ctx, call.request, call.run);
  if (auto* refused = std::get_if<ApiResponse>(&parsed)) return std::move(*refused);
  return batch_answer(
      call.ctx.store.ingest(call.run.id, std::get<std::vector<ArtifactLine>>(parsed)), call.run);
}

}  // namespace kiln::orchestrator
