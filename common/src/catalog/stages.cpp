#include "kiln/catalog/stages.hpp"

#include <array>
#include <functional>

#include "catalog/stage_tables.hpp"

namespace kiln::catalog {
namespace {

// In the order a full burn-in runs them, the decommission's last.
const std::array<std::reference_wrapper<const StageDecl>, 11> kStages = {
    tables::kPreliminaryStage, tables::kInventoryStage, tables::kMemoryStage,
    tables::kCpuStage,         tables::kDiskStage,      tables::kDiskPerfStage,
    tables::kNetworkStage,     tables::kBenchmarkStage, tables::kMemtestStage,
    tables::kDiskWipeStage,    tables::kBmcResetStage,
};

ParamSpec spec_of(const ParamDecl& d, std::string_view prefix) {
  return ParamSpec{std::string(prefix) + std::string(d.name),
                   d.type,
                   std::string(d.default_value),
                   std::string(d.allowed),
                   d.min,
                   d.max,
                   std::string(d.unit),
                   std::string(d.description)};
}

}  // namespace

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "number";
    case ParamType::kBool:
      return "bool";
    case ParamType::kString:
      return "string";
    case ParamType::kDuration:
      return "duration";
    case ParamType::kStringList:
      return "list";
  }
  return "string";
}

std::span<const StageDecl> stages() {
  static const std::vector<StageDecl> all = [] {
    std::vector<StageDecl> out;
    for (const StageDecl& s : kStages) out.push_back(s);
    return out;
  }();
  return all;
}

const StageDecl* find_stage(std::string_view name) {
  for (const auto& s : stages()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<ParamSpec> stage_params(std::string_view name) {
  std::vector<ParamSpec> out;
  const StageDecl* stage = find_stage(name);
  if (stage == nullptr) return out;
  for (const auto& p : stage->params) out.push_back(spec_of(p, ""));
  if (const StageDecl* inner = stage->embeds.empty() ? nullptr : find_stage(stage->embeds)) {
    for (const auto& p : inner->params) out.push_back(spec_of(p, stage->embed_prefix));
  }
  return out;
}

std::vector<std::string_view> allowed_values(std::string_view allowed) {
  std::vector<std::string_view> out;
  while (!allowed.empty()) {
    auto bar = allowed.find('|');
    out.push_back(allowed.substr(0, bar));
    if (bar == std::string_view::npos) break;
    allowed.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace kiln::catalog
