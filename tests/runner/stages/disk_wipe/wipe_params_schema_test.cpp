// results-schema/config.schema.json describes disk-wipe's parameters: its
// $defs/disk_wipe_params must name exactly the stage's parameter catalog
// (the catalog's, what `kiln-runner stages` lists), each with a description.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "kiln/catalog/stages.hpp"
#include "kiln_test_paths.hpp"
#include "stages/disk_wipe/wipe_record.hpp"

namespace kiln::runner {
namespace {

nlohmann::json config_schema() {
  std::ifstream in(std::string(KILN_SOURCE_DIR) + "/results-schema/config.schema.json");
  EXPECT_TRUE(in) << "results-schema/config.schema.json missing";
  return in ? nlohmann::json::parse(in) : nlohmann::json::object();
}

TEST(WipeParamsSchema, SchemaAndParameterCatalogNameTheSameParameters) {
  const auto schema = config_schema();
  const auto& defs = schema["$defs"]["disk_wipe_params"];
  ASSERT_TRUE(defs.is_object()) << "no $defs/disk_wipe_params";
  EXPECT_EQ(defs["additionalProperties"], false);
  std::set<std::string> in_schema;
  for (const auto& [name, body] : defs["properties"].items()) {
    in_schema.insert(name);
    EXPECT_TRUE(body.contains("description")) << name;
  }
  std::set<std::string> in_catalog;
  for (const auto& p : catalog::stage_params("disk-wipe")) in_catalog.insert(p.name);
  EXPECT_EQ(in_schema, in_catalog);
}

TEST(WipeParamsSchema, PatternRuleAcceptsWhatTheParserAccepts) {
  const auto schema = config_schema();
  const std::regex rule(
      schema["$defs"]["disk_wipe_params"]["properties"]["pattern"]["pattern"].get<std::string>());
  for (const char* ok : {"zeros", "ones", "random", "hex:a55a"}) {
    EXPECT_TRUE(std::regex_search(ok, rule)) << ok;
    EXPECT_TRUE(parse_fill_pattern(ok).ok()) << ok;
  }
  for (const char* bad : {"randomly", "hex:", "zero"}) {
    EXPECT_FALSE(std::regex_search(bad, rule)) << bad;
    EXPECT_FALSE(parse_fill_pattern(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace kiln::runner
