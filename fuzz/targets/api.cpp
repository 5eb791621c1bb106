// The orchestrator's API with whole requests: method, target, headers, body,
// with and without valid tokens (fuzz/README.md: the input format and its
// placeholders); and the artifact path on its own: one OCPTV line, and a
// whole batch body, posted with the run's valid token.
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"
#include "kiln/json_input.hpp"
#include "targets/api_rig.hpp"

namespace kiln::fuzz {
namespace {

std::string_view take_line(std::string_view& text) {
  auto nl = text.find('\n');
  auto line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// "METHOD TARGET\nName: value\n...\n\nBODY" -> the request handle() gets.
orchestrator::ApiRequest parse_request(std::string_view input, const ApiRig& rig) {
  orchestrator::ApiRequest request;
  auto start = take_line(input);
  auto space = start.find(' ');
  request.method = std::string(start.substr(0, space));
  if (space != std::string_view::npos)
    request.target = rig.substitute(std::string(start.substr(space + 1)));
  while (!input.empty()) {
    auto header = take_line(input);
    if (header.empty()) break;
    auto colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    auto name = header.substr(0, colon);
    auto value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    // Header names are case-insensitive; the server hands only this one on.
    if (name.size() == 13 && (name[0] | 0x20) == 'a' &&
        std::equal(name.begin(), name.end(), "authorization",
                   [](char a, char b) { return (a | 0x20) == b; })) {
      request.authorization = rig.substitute(std::string(value));
    }
  }
  request.body = rig.substitute(std::string(input));
  return request;
}

void api_request(std::string_view input) {
  auto& rig = ApiRig::next();
  (void)rig.call(parse_request(input, rig));
}

void post_batch(ApiRig& rig, std::string body) {
  auto stored = rig.call({"POST", "/v1/runs/" + rig.run_id + "/artifacts",
                          "Bearer " + rig.runner_token, std::move(body)});
  if (stored.status != 200) return;
  auto run = rig.call(
      {"GET", "/v1/runs/" + rig.run_id, std::string("Bearer ") + ApiRig::kOperatorToken, ""});
  require(run.status == 200, "the run reads back after a stored batch");
}

// One OCPTV line as the runner sends it: a string in {"artifacts": [...]}.
void ocptv_line(std::string_view input) {
  auto& rig = ApiRig::next();
  post_batch(rig, nlohmann::json{{"artifacts", {std::string(input)}}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// A whole batch body ($RUN etc. substituted).
void artifact_batch(std::string_view input) {
  auto& rig = ApiRig::next();
  post_batch(rig, rig.substitute(std::string(input)));
}

KILN_FUZZ_TARGET("api-request", api_request);
KILN_FUZZ_TARGET("ocptv-line", ocptv_line);
KILN_FUZZ_TARGET("artifact-batch", artifact_batch);

}  // namespace
}  // namespace kiln::fuzz
