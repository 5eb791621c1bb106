#include "agent/interrupted_step.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>

#include "agent/agent_steps.hpp"
#include "kiln/catalog/failure_codes.hpp"
#include "kiln/json_input.hpp"
#include "run/reboot_evidence.hpp"

namespace kiln::runner::agent {
namespace {

constexpr std::size_t kMaxMarker = 64U * 1024U;
constexpr std::chrono::hours kSelWindowBeforeHeartbeat{1};

std::optional<InterruptedStep> at_index(const nlohmann::json& dii, const std::string& kind) {
  const std::string prefix = kind == "clean" ? "clean" : "deploy";
  const auto* steps = json_path(dii, {prefix + "_steps"});
  const auto index = json_integer(dii, prefix + "_step_index");
  if (steps == nullptr || !steps->is_array() || !index || *index < 0 ||
      static_cast<std::size_t>(*index) >= steps->size()) {
    return std::nullopt;
  }
  // Ironic rebooted the node itself (a step asked for it): not ours to judge.
  if (json_bool(dii, kind == "clean" ? "cleaning_reboot" : "deployment_reboot") == true)
    return std::nullopt;
  const auto& step = (*steps)[static_cast<std::size_t>(*index)];
  if (!step.is_object() || json_string(step, "interface").value_or("") != "deploy")
    return std::nullopt;
  const std::string name = json_string(step, "step").value_or("");
  if (find_step(name) == nullptr) return std::nullopt;
  InterruptedStep out;
  out.kind = kind;
  out.step = step;
  out.name = name;
  out.id = "deploy." + name;
  out.last_heartbeat = json_string(dii, "agent_last_heartbeat").value_or("");
  return out;
}

}  // namespace

std::optional<InterruptedStep> interrupted_step(const nlohmann::json& driver_internal_info) {
  if (!driver_internal_info.is_object()) return std::nullopt;
  if (auto clean = at_index(driver_internal_info, "clean")) return clean;
  return at_index(driver_internal_info, "deploy");
}

void write_step_marker(const std::filesystem::path& out_dir, const StepMarker& marker) {
  nlohmann::json j{{"boot_id", marker.boot_id},
                   {"step", marker.step_id},
                   {"started", marker.started.empty() ? rfc3339(std::chrono::system_clock::now()) : marker.started}};
  std::ofstream f(out_dir / kStepMarkerFile, std::ios::trunc);
  f << j.dump() << '\n';
}

void remove_step_marker(const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::remove(out_dir / kStepMarkerFile, ec);
}

std::optional<StepMarker> read_step_marker(const std::filesystem::path& out_dir) {
  std::ifstream f(out_dir / kStepMarkerFile);
  if (!f) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto j = parse_json(text, (out_dir / kStepMarkerFile).string(), kMaxMarker);
  if (!j || !j->is_object()) return std::nullopt;
  return StepMarker{json_string(*j, "boot_id").value_or(""), json_string(*j, "step").value_or(""),
                    json_string(*j, "started").value_or("")};
}

std::optional<std::chrono::system_clock::time_point> evidence_since(
    const std::optional<StepMarker>& marker, const InterruptedStep& step) {
  if (marker) {
    if (auto t = rfc3339_time(marker->started)) return t;
  }
  if (auto t = rfc3339_time(step.last_heartbeat)) return *t - kSelWindowBeforeHeartbeat;
  return std::nullopt;
}

CommandOutput interrupted_step_output(const InterruptedStep& step, bool same_boot,
                                      const std::string& evidence_summary) {
  if (same_boot) {
    CommandOutput out = CommandOutput::failure(fmt::format(
        "kiln harness ERROR, not a hardware failure: kiln's agent restarted during {} {} on the "
        "same boot (no reboot); the step's run is lost. What to do: read agent.log for why the "
        "agent stopped and run the cleaning again",
        step.kind == "clean" ? "clean step" : "deploy step", step.id));
    out.error_type = "KilnHarnessError";
    return out;
  }
  const auto* code = catalog::find_failure_code("KILN-STEP-UNEXPECTED-REBOOT");
  const std::array<catalog::FailureArg, 3> args{
      catalog::FailureArg{"step", fmt::format("{} step {}", step.kind, step.id)},
      catalog::FailureArg{"last_heard",
                          step.last_heartbeat.empty() ? "unknown" : step.last_heartbeat + " UTC"},
      catalog::FailureArg{"evidence", evidence_summary}};
  auto text = code != nullptr ? catalog::render_failure(*code, args)
                              : Expected<std::string>(make_error("KILN-CATALOG", "no code"));
  CommandOutput out = CommandOutput::failure(
      catalog::failure_line("KILN-STEP-UNEXPECTED-REBOOT", text ? *text : evidence_summary));
  out.error_type = "KilnHardwareFailure";
  out.result = {{"verdict", "FAIL"}, {"unexpected_reboot", true}, {"evidence", evidence_summary}};
  return out;
}

}  // namespace kiln::runner::agent
