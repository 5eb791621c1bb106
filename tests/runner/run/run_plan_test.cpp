// Planning checks every stage of the profile against the catalog before any
// stage is created, and names every mistake with its file and line.
#include "run/run_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::runner {
namespace {

using ::testing::HasSubstr;

ConfigSet configs_with(Profile profile) {
  ConfigSet set;
  Delivery d;
  d.tag = "default";
  d.profile = profile.name;
  set.default_delivery = d;
  set.profiles[profile.name] = std::move(profile);
  return set;
}

StageEntry entry(std::string stage, std::string param, std::string value, int line) {
  StageEntry e{std::move(stage), {}, {"long.yaml", line - 2}};
  e.params[param] = ParamValue{std::move(value), {}, false, {"long.yaml", line}};
  return e;
}

TEST(RunPlan, EveryParameterMistakeOfTheProfileIsNamedBeforeAnythingRuns) {
  register_builtin_stages();
  Profile p{"long",
            "",
            {entry("disk", "mode", "wirte", 5), entry("disk", "selftest", "sometimes", 9),
             entry("benchmark", "length", "forever", 13)},
            {"long.yaml", 1}};
  auto plan = plan_run(configs_with(p), FruInfo{}, std::nullopt);
  ASSERT_FALSE(plan.ok());
  const auto& message = plan.error().message;
  EXPECT_THAT(message, HasSubstr("long.yaml:5: parameter 'mode' of stage 'disk': 'wirte' is not "
                                 "one of: readonly, nondestructive, write"));
  EXPECT_THAT(message, HasSubstr("long.yaml:9: parameter 'selftest' of stage 'disk': 'sometimes' "
                                 "is not one of: none, short, long"));
  EXPECT_THAT(message,
              HasSubstr("long.yaml:13: parameter 'length' of stage 'benchmark': 'forever'"));
}

TEST(RunPlan, AGoodProfilePlansWithTheCatalogsDefaults) {
  register_builtin_stages();
  Profile p{"short", "", {entry("disk", "mode", "readonly", 5)}, {"short.yaml", 1}};
  auto plan = plan_run(configs_with(p), FruInfo{}, std::nullopt);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->stages.size(), 2U);  // preliminary first
  EXPECT_EQ(plan->stages[1].params.get_string("mode"), "readonly");
  EXPECT_EQ(plan->stages[1].params.get_string("selftest"), "none");
}

}  // namespace
}  // namespace kiln::runner
