#include "kiln/catalog/stages.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {
namespace {

ParamType runner_type(catalog::ParamType t) {
  switch (t) {
    case catalog::ParamType::kInt:
      return ParamType::kInt;
    case catalog::ParamType::kDouble:
      return ParamType::kDouble;
    case catalog::ParamType::kBool:
      return ParamType::kBool;
    case catalog::ParamType::kString:
      return ParamType::kString;
    case catalog::ParamType::kDuration:
      return ParamType::kDuration;
    case catalog::ParamType::kStringList:
      return ParamType::kStringList;
  }
  return ParamType::kString;
}

}  // namespace

StageInfo catalog_stage_info(std::string_view name) {
  StageInfo info;
  info.name = std::string(name);
  const auto* decl = catalog::find_stage(name);
  if (decl == nullptr) return info;
  info.description = std::string(decl->description);
  info.destructive = decl->destructive;
  for (const auto& p : catalog::stage_params(name)) {
    info.params.push_back({p.name, runner_type(p.type), p.default_value, p.description});
  }
  return info;
}

StageRegistry& StageRegistry::instance() {
  static StageRegistry registry;
  return registry;
}

void StageRegistry::add(StageFactory factory) {
  auto probe = factory();
  factories_[probe->info().name] = std::move(factory);
}

std::unique_ptr<Stage> StageRegistry::create(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<StageInfo> StageRegistry::list() const {
  std::vector<StageInfo> infos;
  for (const auto& [name, factory] : factories_) infos.push_back(factory()->info());
  return infos;
}

}  // namespace kiln::runner
