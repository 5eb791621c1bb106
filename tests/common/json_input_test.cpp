#include "kiln/json_input.hpp"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(ParseJson, ValidDocument) {
  auto j = parse_json(R"({"a": {"b": 3}, "s": "x"})", "test");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(json_integer(*j, "s"), std::nullopt);
  EXPECT_EQ(json_string(*j, "s"), "x");
  const auto* b = json_path(*j, {"a", "b"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->get<int>(), 3);
  EXPECT_EQ(json_path(*j, {"a", "c"}), nullptr);
  EXPECT_EQ(json_path(*j, {"s", "c"}), nullptr);
}

TEST(ParseJson, TruncatedDocumentIsAnErrorNamingTheSource) {
  auto j = parse_json(R"({"a": {"b": 3)", "smartctl -j -a /dev/sda stdout");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, "KILN-JSON-SYNTAX");
  EXPECT_NE(j.error().message.find("smartctl -j -a /dev/sda stdout"), std::string::npos);
}

TEST(ParseJson, OversizedDocumentIsRefused) {
  std::string big = "[" + std::string(2000, ' ') + "]";
  auto j = parse_json(big, "request body", 1000);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, "KILN-JSON-SIZE");
}

TEST(ParseJson, DeepNestingIsRefusedWithoutRecursingIntoIt) {
  std::string deep(100000, '[');
  auto j = parse_json(deep, "request body");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, "KILN-JSON-DEPTH");
  // Brackets inside strings do not count.
  auto ok = parse_json("{\"s\": \"" + std::string(200, '[') + "\"}", "x");
  EXPECT_TRUE(ok.ok());
}

TEST(ParseJson, TypedLookupsNeverThrow) {
  auto j = parse_json(R"({"n": 1.5, "i": 18446744073709551615, "b": true, "arr": []})", "t");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(json_number(*j, "n"), 1.5);
  EXPECT_EQ(json_integer(*j, "i"), std::nullopt);  // does not fit a signed 64-bit
  EXPECT_EQ(json_bool(*j, "b"), true);
  EXPECT_EQ(json_number(*j, "arr"), std::nullopt);
  EXPECT_EQ(json_number(nlohmann::json::array(), "n"), std::nullopt);
}

}  // namespace
}  // namespace kiln
