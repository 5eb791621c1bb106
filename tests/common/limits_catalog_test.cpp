// The config schema (results-schema/config.schema.json) and the loader must
// know the same limit names.
#include "kiln_test_paths.hpp"
#include "kiln/limits_catalog.hpp"

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kiln {
namespace {

TEST(LimitsCatalog, SchemaListsExactlyTheCatalog) {
  std::ifstream in(std::string(KILN_SOURCE_DIR) + "/results-schema/config.schema.json");
  ASSERT_TRUE(in) << "results-schema/config.schema.json missing";
  auto schema = nlohmann::json::parse(in);
  std::set<std::string> in_schema;
  for (const auto& [group, body] : schema["$defs"]["limits"]["properties"].items()) {
    for (const auto& [name, _] : body["properties"].items()) in_schema.insert(group + "." + name);
  }
  std::set<std::string> in_catalog;
  for (const auto& spec : limit_catalog()) in_catalog.insert(std::string(spec.name));
  EXPECT_EQ(in_schema, in_catalog);
}

TEST(LimitsCatalog, ConfiguredLimitCarriesComparison) {
  ResolvedConfig c;
  c.limits["fio.seq_read_min_mbps"] = 500;
  auto l = configured_limit(c, "fio.seq_read_min_mbps");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->op, Comparison::kGreaterThanOrEqual);
  EXPECT_EQ(l->name, "limits.fio.seq_read_min_mbps");
  EXPECT_FALSE(configured_limit(c, "fio.seq_write_min_mbps").has_value());
  EXPECT_FALSE(configured_limit(c, "no.such").has_value());
}

}  // namespace
}  // namespace kiln
