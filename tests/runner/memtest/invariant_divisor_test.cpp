// Division by an invariant divisor agrees with the hardware divide on the
// edges (0, 1, powers of two, 2^63 +- 1, the maximum) and on random words.
#include "memtest/invariant_divisor.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "memtest/patterns.hpp"

namespace kiln::memtest {
namespace {

TEST(InvariantDivisor, MatchesHardwareDivision) {
  std::vector<std::uint64_t> divisors = {1,
                                         2,
                                         3,
                                         5,
                                         7,
                                         10,
                                         641,
                                         1ULL << 32,
                                         (1ULL << 32) + 1,
                                         (1ULL << 63) - 1,
                                         1ULL << 63,
                                         (1ULL << 63) + 1,
                                         ~0ULL - 1,
                                         ~0ULL};
  std::vector<std::uint64_t> numerators = {0, 1, 2, 3, 1ULL << 63, ~0ULL, ~0ULL - 1, 641ULL * 7};
  for (std::uint64_t i = 0; i < 64; ++i) divisors.push_back(mix64(i) >> (i % 64));
  for (std::uint64_t i = 0; i < 512; ++i) numerators.push_back(mix64(i + 1000) >> (i % 61));
  for (std::uint64_t d : divisors) {
    if (d == 0) continue;
    const InvariantDivisor divisor(d);
    for (std::uint64_t x : numerators) {
      ASSERT_EQ(divisor.divide(x), x / d) << x << " / " << d;
      ASSERT_EQ(divisor.divide(d), 1U) << d;
      ASSERT_EQ(divisor.divide(d - 1), (d - 1) / d) << d;
    }
  }
}

}  // namespace
}  // namespace kiln::memtest
