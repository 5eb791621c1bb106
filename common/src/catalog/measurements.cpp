#include "kiln/catalog/measurements.hpp"

#include <fmt/format.h>

#include "catalog/measurement_table.hpp"
#include "kiln/catalog/stages.hpp"

namespace kiln::catalog {
namespace {

// `pattern` with each "{...}" standing for one or more characters.
bool name_matches(std::string_view pattern, std::string_view name) {
  auto open = pattern.find('{');
  if (open == std::string_view::npos) return pattern == name;
  auto close = pattern.find('}', open);
  if (close == std::string_view::npos) return false;
  std::string_view head = pattern.substr(0, open);
  std::string_view tail = pattern.substr(close + 1);
  if (!name.starts_with(head)) return false;
  name.remove_prefix(head.size());
  // The placeholder takes at least one character; try every split.
  for (std::size_t n = 1; n <= name.size(); ++n) {
    if (name_matches(tail, name.substr(n))) return true;
  }
  return false;
}

// An exact name first: "workload_score" is itself, not "{copies}_score".
const MeasurementDecl* find_in(std::string_view stage, std::string_view name) {
  for (const auto& m : measurements()) {
    if (m.stage == stage && m.name == name) return &m;
  }
  for (const auto& m : measurements()) {
    if (m.stage == stage && name_matches(m.name, name)) return &m;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(BatchBy b) {
  switch (b) {
    case BatchBy::kNone:
      return "none";
    case BatchBy::kNode:
      return "node";
    case BatchBy::kComponent:
      return "component";
    case BatchBy::kDiskModel:
      return "disk model";
    case BatchBy::kNicSpeed:
      return "NIC speed";
  }
  return "none";
}

std::span<const MeasurementDecl> measurements() {
  return {tables::kMeasurements, tables::kMeasurementCount};
}

const MeasurementDecl* find_measurement(std::string_view stage, std::string_view name) {
  if (const auto* m = find_in(stage, name)) return m;
  // A stage that embeds another reports that one's measurements too.
  const StageDecl* s = find_stage(stage);
  if (s != nullptr && !s->embeds.empty()) return find_in(s->embeds, name);
  return nullptr;
}

std::string batch_key(std::string_view stage, const MeasurementDecl& decl, std::string_view name,
                      std::string_view component, const ComponentIdentity* hardware) {
  if (!decl.better || decl.batch == BatchBy::kNone) return {};
  std::string figure = fmt::format("{}.{}", stage, name);
  const ComponentIdentity* id = hardware;
  switch (decl.batch) {
    case BatchBy::kNone:
      return {};
    case BatchBy::kNode:
      return figure;
    case BatchBy::kComponent:
      return fmt::format("{}[{}]", figure, component);
    case BatchBy::kDiskModel:
      return fmt::format("{}[disk model {}]", figure,
                         id != nullptr && !id->model.empty() ? id->model : "unknown");
    case BatchBy::kNicSpeed:
      if (id != nullptr && id->speed_mbps) {
        return fmt::format("{}[NIC {} Mb/s]", figure, *id->speed_mbps);
      }
      return fmt::format("{}[NIC of unknown speed]", figure);
  }
  return {};
}

}  // namespace kiln::catalog
