// Which profile a run uses in decommission mode (stages/decommission_gate.hpp).
#include <gtest/gtest.h>

#include "stages/decommission_gate.hpp"

namespace kiln::runner {
namespace {

TEST(DecommissionProfileTest, DecommissionModeDefaultsToTheDecommissionProfile) {
  // A node booted with kiln.mode=decommission and no kiln.profile must not run
  // its delivery's burn-in profile.
  EXPECT_EQ(profile_for_mode("decommission", std::nullopt), std::optional<std::string>("decommission"));
}

TEST(DecommissionProfileTest, AnExplicitProfileWins) {
  EXPECT_EQ(profile_for_mode("decommission", std::string("site-wipe")), std::optional<std::string>("site-wipe"));
  EXPECT_EQ(profile_for_mode("burnin", std::string("quick")), std::optional<std::string>("quick"));
}

TEST(DecommissionProfileTest, BurnInModeKeepsTheDeliveryProfile) {
  EXPECT_EQ(profile_for_mode("burnin", std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace kiln::runner
