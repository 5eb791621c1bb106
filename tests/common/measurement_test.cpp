#include "kiln/measurement.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace kiln {
namespace {

Limit limit(Comparison op, MeasuredValue v) { return Limit{"limits.x", op, std::move(v), {}}; }

TEST(Judge, NumericComparisons) {
  EXPECT_TRUE(judge(0.0, limit(Comparison::kLessThanOrEqual, 0.0)));
  EXPECT_FALSE(judge(12.0, limit(Comparison::kLessThanOrEqual, 0.0)));
  EXPECT_TRUE(judge(550.0, limit(Comparison::kGreaterThanOrEqual, 500.0)));
  EXPECT_FALSE(judge(499.9, limit(Comparison::kGreaterThanOrEqual, 500.0)));
  EXPECT_TRUE(judge(3.0, limit(Comparison::kLessThan, 4.0)));
  EXPECT_FALSE(judge(4.0, limit(Comparison::kGreaterThan, 4.0)));
  EXPECT_TRUE(judge(16.0, limit(Comparison::kEqual, 16.0)));
  EXPECT_TRUE(judge(15.0, limit(Comparison::kNotEqual, 16.0)));
}

TEST(Judge, NanNeverPasses) {
  EXPECT_FALSE(judge(std::nan(""), limit(Comparison::kLessThanOrEqual, 1.0)));
  EXPECT_FALSE(judge(std::nan(""), limit(Comparison::kGreaterThanOrEqual, 1.0)));
}

TEST(Judge, WrongKindDoesNotPass) {
  EXPECT_FALSE(judge(std::string("12"), limit(Comparison::kLessThanOrEqual, 20.0)));
  EXPECT_FALSE(judge(5.0, limit(Comparison::kRegexMatch, std::string("5"))));
}

TEST(Judge, StringsRegexAndSets) {
  EXPECT_TRUE(judge(std::string("ABC"), limit(Comparison::kEqual, std::string("ABC"))));
  EXPECT_TRUE(judge(std::string("Intel Xeon Gold 6338"), limit(Comparison::kRegexMatch, std::string("Gold 63"))));
  EXPECT_FALSE(judge(std::string("x"), limit(Comparison::kRegexMatch, std::string("(unclosed"))));
  Limit set{"limits.s", Comparison::kInSet, {}, {"a", "b"}};
  EXPECT_TRUE(judge(std::string("b"), set));
  EXPECT_FALSE(judge(std::string("c"), set));
}

TEST(Measure, JudgesEveryLimit) {
  auto m = measure("reallocated_sectors_delta", 12.0, "sectors", "disk S3Z9NX0K",
                   {limit(Comparison::kLessThanOrEqual, 0.0), limit(Comparison::kLessThan, 100.0)});
  ASSERT_EQ(m.checks.size(), 2U);
  EXPECT_FALSE(m.checks[0].passed);
  EXPECT_TRUE(m.checks[1].passed);
  EXPECT_FALSE(m.passed());
  EXPECT_TRUE(measure("x", 1.0, "", "", {}).passed());
}

TEST(FormatValue, IntegersWithoutDecimals) {
  EXPECT_EQ(format_value(12.0), "12");
  EXPECT_EQ(format_value(1.5), "1.5");
  EXPECT_EQ(format_value(125100.4), "125100");
  EXPECT_EQ(format_value(0.012345), "0.01235");
  EXPECT_EQ(format_value(true), "true");
  EXPECT_EQ(format_value(std::string("s")), "s");
}

}  // namespace
}  // namespace kiln
