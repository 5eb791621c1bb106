#include "ironic/clean_steps.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "api/tokens.hpp"
#include "kiln/json_input.hpp"
#include "log/log.hpp"

namespace kiln::orchestrator {
namespace {

bool in_cleaning(const std::string& ps) {
  return ps == "cleaning" || ps == "clean wait";
}

// Ironic has finished with the cleaning: manageable, or clean failed with its
// error handler done. A callback timeout saves `clean failed` first and only
// then last_error, maintenance and an empty clean_step; until clean_step is
// empty the outcome is still being written.
bool cleaning_over(const nlohmann::json& node) {
  const std::string ps = provision_state(node);
  const auto* step = json_path(node, {"clean_step"});
  const bool no_step = step == nullptr || step->is_null() || step->empty();
  return no_step && ((ps == "manageable" && settled(node)) || ps == "clean failed");
}

// What the run store keeps when Ironic ended the cleaning and kiln's runner
// never reported: an ERROR whose words are Ironic's.
nlohmann::json ironic_ended_report(const RunRow& run, const std::string& reason) {
  return {{"report_format", "kiln-orchestrator-ironic/1"},
          {"run_id", run.id},
          {"node", {{"ironic_uuid", run.node_uuid}}},
          {"status", "ERROR"},
          {"result", "NOT_APPLICABLE"},
          {"verdict", "ERROR"},
          {"ended",
           fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::time_point_cast<std::chrono::seconds>(
                                                    std::chrono::system_clock::now()))},
          {"ended_by", "kiln-orchestrator"},
          {"failures", nlohmann::json::array({reason})},
          {"errors",
           nlohmann::json::array({{{"symptom", "ironic-clean-failed"}, {"message", reason}}})},
          {"stages", nlohmann::json::array()}};
}

}  // namespace

nlohmann::json kiln_clean_steps(const std::string& public_url, const std::string& token) {
  return nlohmann::json::array({{{"interface", "deploy"},
                                 {"step", "kiln_burnin"},
                                 {"args", {{"kiln_url", public_url}, {"kiln_token", token}}}}});
}

std::optional<Expected<StepResult>> CleanSteps::step(const RunRow& run) {
  const auto& s = run.driver_state;
  if (s == "start") return step_start(run);
  if (s == "running") return step_running(run);
  if (s == "release") return step_release(run, false);
  if (s == "wait_released") return step_release(run, true);
  return std::nullopt;
}

Expected<StepResult> CleanSteps::advance(const RunRow& run, const std::string& next) {
  if (auto m = store_.set_driver_state(run.id, next, ""); !m) return m.error();
  return StepResult::kAdvanced;
}

Expected<StepResult> CleanSteps::step_start(const RunRow& run) {
  const auto& uuid = run.node_uuid;
  auto node = ironic_.get_node(uuid);
  if (!node) return node.error();
  const std::string ps = provision_state(*node);
  // Started before a restart of the orchestrator: the cleaning is under way.
  const auto* own = json_path(*node, {"extra", "kiln", "run_id"});
  if (in_cleaning(ps) && own != nullptr && own->is_string() && own->get<std::string>() == run.id)
    return advance(run, "running");
  if (!settled(*node)) return StepResult::kWaiting;
  if (ps == "available") {  // manual cleaning starts from manageable
    if (auto r = ironic_.set_provision_state(uuid, "manage"); !r) return r.error();
    return StepResult::kWaiting;
  }
  if (ps != "manageable") {
    return make_error("KILN-IRONIC-REJECTED",
                      fmt::format("node {} is '{}': kiln's clean method starts a burn-in from "
                                  "'manageable' (or 'available')",
                                  uuid, ps));
  }
  // A fresh token per cleaning: its hash is committed before Ironic sees it.
  std::string token = random_token();
  if (auto s = store_.set_token_hash(run.id, token_hash(token)); !s) return s.error();
  nlohmann::json patch =
      nlohmann::json::array({{{"op", "add"},
                              {"path", "/extra/kiln"},
                              {"value", {{"state", "cleaning"}, {"run_id", run.id}}}}});
  if (auto r = ironic_.patch_node(uuid, patch); !r) return r.error();
  if (auto r = ironic_.clean_node(uuid, kiln_clean_steps(endpoint_.public_url, token)); !r)
    return r.error();
  log_line(LogLevel::info, "manual cleaning with kiln_burnin started",
           {{"node", uuid}, {"run", run.id}});
  return advance(run, "running");
}

Expected<StepResult> CleanSteps::step_running(const RunRow& run) {
  const auto& uuid = run.node_uuid;
  auto node = ironic_.get_node(uuid);
  if (!node) return node.error();
  const std::string ps = provision_state(*node);
  if (run.directive == "abort" && ps == "clean wait") {  // an operator, or no runner heartbeat
    if (auto r = ironic_.set_provision_state(uuid, "abort"); !r) return r.error();
    return StepResult::kWaiting;
  }
  if (!cleaning_over(*node)) return StepResult::kWaiting;
  if (!run.verdict.empty()) {
    // Ironic's outcome comes from the agent it authenticated: a kiln PASS
    // whose cleaning failed is not a pass.
    if (run.verdict == "PASS" && ps != "manageable") return advance(run, "fail");
    return advance(run, "judge");
  }
  if (run.directive == "abort") return advance(run, "abort");
  if (ps != "clean failed") return StepResult::kWaiting;  // the report is on its way
  const std::string reason = fmt::format(
      "kiln: Ironic failed the cleaning of node {} before kiln's runner reported (run {}): {}",
      uuid, run.id,
      // Ironic quotes the failed step with its args: the run's token goes.
      redact_secrets(json_string(*node, "last_error").value_or("no last_error")));
  if (auto s = store_.store_report(run.id, ironic_ended_report(run, reason).dump(), "ERROR"); !s)
    return s.error();
  return advance(run, "judge");
}

Expected<StepResult> CleanSteps::step_release(const RunRow& run, bool provided) {
  const auto& uuid = run.node_uuid;
  auto node = ironic_.get_node(uuid);
  if (!node) return node.error();
  const std::string ps = provision_state(*node);
  if (!settled(*node)) return StepResult::kWaiting;
  if (!provided) {
    if (ps == "manageable") {
      if (auto r = ironic_.set_provision_state(uuid, "provide"); !r) return r.error();
    }
    return advance(run, "wait_released");
  }
  if (ps == "available") return advance(run, "done");
  return stuck_node(uuid, *node, "waits for 'available' after provide");
}

}  // namespace kiln::orchestrator
