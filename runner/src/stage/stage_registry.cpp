#include "stage/stage.hpp"

namespace kiln::runner {

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
