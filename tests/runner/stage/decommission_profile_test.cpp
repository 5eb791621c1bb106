// Which profile a run uses in decommission mode (stage/decommission_gate.hpp).
#include <gtest/gtest.h>

#include "stage/decommission_gate.hpp"

namespace kiln::runner {
namespace {

TEST(DecommissionProfileTest, DecommissionModeDefaultsToTheDecommissionProfile) {
  // A node booted with kiln.mode=decommission and no kiln.profile must not run
  // its delivery's burn-in profile.
  EXPECT_EQ(profile_for_mode("decommission", std::nullopt),
            std::optional<std::string>("decommission"));
}

TEST(DecommissionProfileTest, AnExplicitProfileWins) {
  EXPECT_EQ(profile_for_mode("decommission", std::string("site-wipe")),
            std::optional<std::string>("site-wipe"));
  EXPECT_EQ(profile_for_mode("burnin", std::string("quick")), std::optional<std::string>("quick"));
}

TEST(DecommissionProfileTest, BurnInModeKeepsTheDeliveryProfile) {
  EXPECT_EQ(profile_for_mode("burnin", std::nullopt), std::nullopt);
}

Profile profile_of(const std::string& name, std::vector<std::string> stages) {
  Profile p;
  p.name = name;
  p.where = SourceRef{"/etc/kiln/profiles/" + name + ".yaml", 1};
  for (auto& s : stages) p.stages.push_back(StageEntry{std::move(s), {}, p.where});
  return p;
}

TEST(DecommissionProfileTest, DecommissionModeRefusesAProfileThatDoesNotWipe) {
  auto refusal = decommission_profile_refusal("decommission", profile_of("hw", {"cpu", "disk"}));
  EXPECT_NE(refusal.find("profile 'hw'"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("only cpu, disk"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("/etc/kiln/profiles/hw.yaml"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("disk-wipe"), std::string::npos) << refusal;
}

TEST(DecommissionProfileTest, AWipingProfileOrBurnInModeIsAccepted) {
  EXPECT_EQ(decommission_profile_refusal("decommission",
                                         profile_of("site-wipe", {"inventory", "disk-wipe"})),
            "");
  EXPECT_EQ(decommission_profile_refusal("burnin", profile_of("hw", {"cpu", "disk"})), "");
}

}  // namespace
}  // namespace kiln::runner
