// The registered stages are exactly the catalog's stages, each with the catalog's parameters
// (name, type, default, in order), and the catalog's lists of memtest patterns
// and benchmark workloads are the engines' own.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "hepbench/workload.hpp"
#include "kiln/catalog/stages.hpp"
#include "memtest/patterns.hpp"
#include "stage/stage.hpp"

namespace kiln::runner {
namespace {

std::set<std::string> allowed_set(std::string_view stage, std::string_view param) {
  std::set<std::string> out;
  for (const auto& spec : catalog::stage_params(stage)) {
    if (spec.name != param) continue;
    for (auto v : catalog::allowed_values(spec.allowed)) out.emplace(v);
  }
  return out;
}

TEST(StageCatalog, EveryRegisteredStageIsTheCatalogsAndBack) {
  register_builtin_stages();
  std::set<std::string> registered;
  for (const auto& info : StageRegistry::instance().list()) {
    registered.insert(info.name);
    const auto* decl = catalog::find_stage(info.name);
    ASSERT_NE(decl, nullptr) << info.name;
    EXPECT_EQ(info.destructive, decl->destructive) << info.name;
    EXPECT_EQ(info.description, decl->description) << info.name;
    const auto declared = catalog::stage_params(info.name);
    ASSERT_EQ(info.params.size(), declared.size()) << info.name;
    for (std::size_t i = 0; i < declared.size(); ++i) {
      EXPECT_EQ(info.params[i].name, declared[i].name) << info.name;
      EXPECT_EQ(to_string(info.params[i].type), catalog::to_string(declared[i].type))
          << info.name << "." << declared[i].name;
      EXPECT_EQ(info.params[i].default_value, declared[i].default_value)
          << info.name << "." << declared[i].name;
    }
  }
  std::set<std::string> declared;
  for (const auto& s : catalog::stages()) declared.emplace(s.name);
  EXPECT_EQ(registered, declared);
}

TEST(StageCatalog, MemtestPatternsAreTheEnginesOwn) {
  std::set<std::string> engine;
  for (const auto& p : memtest::pattern_catalog()) engine.emplace(p.name);
  EXPECT_EQ(allowed_set("memtest", "patterns"), engine);
}

TEST(StageCatalog, BenchmarkWorkloadsAreTheBenchmarksOwn) {
  std::set<std::string> engine;
  for (const auto& w : hepbench::workload_kinds()) engine.emplace(w.name);
  EXPECT_EQ(allowed_set("benchmark", "workloads"), engine);
}

TEST(StageCatalog, MemoryEmbedsMemtestsParametersPrefixed) {
  std::set<std::string> names;
  for (const auto& p : catalog::stage_params("memory")) names.insert(p.name);
  for (const auto& p : catalog::stage_params("memtest")) {
    EXPECT_TRUE(names.contains("memtest_" + p.name)) << p.name;
  }
}

}  // namespace
}  // namespace kiln::runner
