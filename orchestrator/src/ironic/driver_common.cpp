#include "ironic/driver_common.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"

namespace kiln::orchestrator {

std::string provision_state(const nlohmann::json& node) {
  return json_string(node, "provision_state").value_or("");
}

bool settled(const nlohmann::json& node) {
  const auto* target = json_path(node, {"target_provision_state"});
  return target == nullptr || target->is_null();
}

Error stuck_node(const std::string& uuid, const nlohmann::json& node, const std::string& what) {
  return make_error("KILN-IRONIC-REJECTED",
                    fmt::format("node {} is '{}' while kiln {}: {}", uuid, provision_state(node),
                                what, json_string(node, "last_error").value_or("no last_error")));
}

std::string first_failure(const RunRow& run) {
  auto report = nlohmann::json::parse(run.report, nullptr, false);  // validated when stored
  const auto* failures = json_path(report, {"failures"});
  if (failures != nullptr && failures->is_array() && !failures->empty() &&
      (*failures)[0].is_string()) {
    return (*failures)[0].get<std::string>();
  }
  return fmt::format("kiln {} {} (run {}), see the report", kind_label(run), run.verdict, run.id);
}

std::string kind_label(const RunRow& run) {
  return run.kind == "decommission" ? "decommission" : "burn-in";
}

}  // namespace kiln::orchestrator
