#include "targets/api_rig.hpp"

#include <unistd.h>

#include <future>

#include "fuzz_check.hpp"

namespace kiln::fuzz {
namespace {

constexpr const char* kNode = "fuzz-node";
constexpr const char* kDecommissionNode = "fuzz-node-wipe";

std::filesystem::path rig_dir() {
  std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                   ? std::filesystem::path("/dev/shm")
                                   : std::filesystem::temp_directory_path();
  return base / ("kiln-fuzz-api-" + std::to_string(::getpid()));
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A run of `kind` for `node`, registered by its runner: {run id, token}.
std::pair<std::string, std::string> start_run(ApiRig& rig, const char* kind, const char* node) {
  auto started =
      rig.call({"POST", std::string("/v1/") + kind, std::string("Bearer ") + ApiRig::kOperatorToken,
                nlohmann::json{{"nodes", {node}}}.dump()});
  require(started.status == 201, "the rig's run starts");
  auto run = started.body["runs"][0]["run_id"].get<std::string>();
  auto token = started.body["runs"][0]["token"].get<std::string>();
  nlohmann::json identity{{"node",
                           {{"ironic_uuid", node},
                            {"asset_tag", "PO-2026-0042"},
                            {"serial", "FUZZ-1"},
                            {"dmi_serial", "FUZZ-1"},
                            {"macs", {"52:54:00:12:34:56"}}}}};
  auto registered = rig.call({"POST", "/v1/runs/register", "Bearer " + token, identity.dump()});
  require(registered.status == 200, "the rig's runner registers");
  return {run, token};
}

}  // namespace

ApiRig::ApiRig() : dir_(rig_dir()) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  auto store = orchestrator::open_run_store("sqlite://" + (dir_ / "kiln.db").string());
  require(store.ok(), "the fuzz store opens");
  store_ = std::move(*store);
  orchestrator::OrchestratorConfig config;
  config.operator_token = kOperatorToken;
  config.max_body_bytes = 64U * 1024U;
  config.max_batch_lines = 100;
  config.config_dir = KILN_SOURCE_DIR "/configs";
  api_ = std::make_unique<orchestrator::ApiService>(*store_, config);
  signature::SigningKey key;
  key.seed.fill(7);
  auto parsed = signature::parse_private_key_pem(signature::private_key_pem(key), "fuzz key");
  require(parsed.ok(), "the fuzz signing key parses");
  api_->set_signing_key(*parsed);
  std::tie(run_id, runner_token) = start_run(*this, "burnins", kNode);
  std::tie(decommission_run_id, decommission_token) =
      start_run(*this, "decommissions", kDecommissionNode);
}

ApiRig::~ApiRig() {
  api_.reset();
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

ApiRig& ApiRig::next() {
  static std::unique_ptr<ApiRig> rig;
  static int inputs = 0;
  if (!rig || ++inputs % kResetEvery == 0) {
    rig.reset();  // the old store closes before the new one opens the same file
    rig.reset(new ApiRig());
  }
  return *rig;
}

std::string ApiRig::substitute(std::string text) const {
  // Longest first: $DRUNNER before $RUNNER, $DRUN before $RUN.
  replace_all(text, "$OPERATOR", kOperatorToken);
  replace_all(text, "$DRUNNER", decommission_token);
  replace_all(text, "$RUNNER", runner_token);
  replace_all(text, "$DRUN", decommission_run_id);
  replace_all(text, "$RUN", run_id);
  replace_all(text, "$NODE", kNode);
  return text;
}

orchestrator::ApiResponse ApiRig::call(const orchestrator::ApiRequest& request) {
  std::promise<orchestrator::ApiResponse> answer;
  auto answered = answer.get_future();
  api_->handle_async(request, [&answer](orchestrator::ApiResponse response) {
    answer.set_value(std::move(response));
  });
  auto response = answered.get();
  require(response.status >= 200 && response.status <= 599, "an HTTP status");
  if (response.content_type.empty()) {
    (void)response.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (response.status >= 400) {
      const auto* error = response.body.is_object() ? &response.body["error"] : nullptr;
      require(error != nullptr && error->is_object() && (*error)["code"].is_string() &&
                  (*error)["message"].is_string(),
              "a refusal is {\"error\": {\"code\", \"message\"}}");
    }
  }
  return response;
}

}  // namespace kiln::fuzz
