#include "hepbench/scoring.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::hepbench {
namespace {

TEST(HepbenchScoring, GeometricMeanOfHandPickedValues) {
  const std::vector<double> values{1.0, 4.0, 16.0};  // (1 * 4 * 16)^(1/3) = 4
  auto mean = geometric_mean(values);
  ASSERT_TRUE(mean.ok());
  EXPECT_NEAR(*mean, 4.0, 1e-12);
  const std::vector<double> two{2.0, 8.0};  // sqrt(16) = 4
  EXPECT_NEAR(*geometric_mean(two), 4.0, 1e-12);
}

TEST(HepbenchScoring, GeometricMeanRejectsEmptyAndNonPositive) {
  EXPECT_FALSE(geometric_mean(std::vector<double>{}).ok());
  const auto zero = geometric_mean(std::vector<double>{1.0, 0.0});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, "KILN-HEPBENCH-SCORE");
  EXPECT_FALSE(geometric_mean(std::vector<double>{1.0, -2.0}).ok());
}

TEST(HepbenchScoring, MedianOddEvenEmpty) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{5.0, 1.0, 3.0}), 3.0);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4.0, 1.0, 3.0, 2.0}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{}), 0.0);
}

TEST(HepbenchScoring, CoefficientOfVariationIsPopulationStddevOverMean) {
  // mean 5, population variance (9+1+1+1+0+0+4+16)/8 = 4, stddev 2 -> CV 0.4
  EXPECT_NEAR(coefficient_of_variation(std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9}), 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(coefficient_of_variation(std::vector<double>{3.0, 3.0}), 0.0);
  EXPECT_DOUBLE_EQ(coefficient_of_variation(std::vector<double>{7.0}), 0.0);
  EXPECT_DOUBLE_EQ(coefficient_of_variation(std::vector<double>{}), 0.0);
}

TEST(HepbenchScoring, SpreadOfValues) {
  const Spread s = spread_of(std::vector<double>{90.0, 110.0, 100.0});
  EXPECT_DOUBLE_EQ(s.min, 90.0);
  EXPECT_DOUBLE_EQ(s.median, 100.0);
  EXPECT_DOUBLE_EQ(s.max, 110.0);
  // population stddev sqrt(200/3) = 8.16497, mean 100
  EXPECT_NEAR(s.cv, 0.0816497, 1e-6);
}

TEST(HepbenchScoring, RelativeScoreIsTenPerReferenceCopy) {
  EXPECT_DOUBLE_EQ(relative_score(200.0, 100.0), 20.0);  // two reference copies' worth
  EXPECT_DOUBLE_EQ(relative_score(50.0, 100.0), 5.0);
  EXPECT_DOUBLE_EQ(relative_score(50.0, 0.0), 0.0);
}

TEST(HepbenchScoring, BenchmarkScoreHandComputed) {
  // Two workloads: 2 copies at 150 and 50 events/s (sum 200, reference 100/copy -> 20)
  // and sum 45 against reference 9/copy (-> 50). Score = sqrt(20 * 50) = 31.6228.
  const std::vector<double> scores{relative_score(150.0 + 50.0, 100.0), relative_score(45.0, 9.0)};
  EXPECT_NEAR(*geometric_mean(scores), 31.6227766, 1e-6);
}

}  // namespace
}  // namespace kiln::hepbench
