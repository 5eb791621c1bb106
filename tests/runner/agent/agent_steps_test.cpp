#include "agent/agent_steps.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::runner::agent {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::map<std::string, std::string> params_of(const StepPlan& plan, const std::string& stage) {
  std::map<std::string, std::string> out;
  for (const auto& e : *plan.stages) {
    if (e.stage != stage) continue;
    for (const auto& [k, v] : e.params)
      out[k] = v.is_list ? "[" + (v.list.empty() ? "" : v.list[0]) + "]" : v.text;
  }
  return out;
}

TEST(StepCatalog, CleanStepsAreManualDeployStepsWithArgsinfo) {
  auto steps = steps_json(false);
  std::vector<std::string> names;
  for (const auto& s : steps) {
    names.push_back(s["step"]);
    EXPECT_EQ(s["interface"], "deploy");
    EXPECT_EQ(s["priority"], 0) << "a kiln step must run only when asked for";
    EXPECT_EQ(s["reboot_requested"], false);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"kiln_burnin", "burnin_cpu", "burnin_memory", "burnin_disk",
                                      "burnin_network", "kiln_decommission"}));
  EXPECT_EQ(steps[0]["argsinfo"]["profile"]["required"], false);
  EXPECT_TRUE(steps[1]["argsinfo"].is_null());
  EXPECT_EQ(steps[5]["abortable"], false) << "a wipe is not abortable";
  EXPECT_EQ(steps[0]["abortable"], true);
  // Deploy steps leave out what writes disks, as IPA's burnin_disk.
  for (const auto& s : steps_json(true)) {
    EXPECT_NE(s["step"], "burnin_disk");
    EXPECT_NE(s["step"], "kiln_decommission");
  }
}

TEST(PlanStep, BurninCpuTakesIpaKeysAndDefaults) {
  auto plan = plan_step("burnin_cpu", nullptr,
                        json{{"agent_burnin_cpu_timeout", 120}, {"agent_burnin_cpu_cpu", "4"}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(params_of(*plan, "cpu")["duration"], "120s");
  EXPECT_EQ(params_of(*plan, "cpu")["workers"], "4");
  EXPECT_FALSE(plan->destructive);
  auto defaults = plan_step("burnin_cpu", nullptr, json::object());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(params_of(*defaults, "cpu")["duration"], "86400s") << "IPA's default: a day";
  auto bad = plan_step("burnin_cpu", nullptr, json{{"agent_burnin_cpu_timeout", "an hour"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("agent_burnin_cpu_timeout"));
}

TEST(PlanStep, BurninMemoryBytesAsShareOrSize) {
  auto share = plan_step("burnin_memory", nullptr, json{{"agent_burnin_vm_timeout", 60}});
  ASSERT_TRUE(share.ok());
  EXPECT_EQ(params_of(*share, "memory")["share_percent"], "98");
  EXPECT_EQ(params_of(*share, "memory")["memtest_duration"], "60s");
  auto size = plan_step("burnin_memory", nullptr, json{{"agent_burnin_vm_vm-bytes", "2G"}});
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(params_of(*size, "memory")["max_mib"], "2048");
  EXPECT_EQ(params_of(*size, "memory")["memtest_size_mib"], "2048");
  auto bad = plan_step("burnin_memory", nullptr, json{{"agent_burnin_vm_vm-bytes", "lots"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("agent_burnin_vm_vm-bytes = 'lots'"));
}

TEST(PlanStep, BurninDiskWritesWithSmartAndOptionalFio) {
  auto plan = plan_step("burnin_disk", nullptr,
                        json{{"agent_burnin_fio_disk_loops", 2},
                             {"agent_burnin_fio_disk_smart_test", true},
                             {"agent_burnin_fio_disk_runtime", 30}});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->destructive);
  EXPECT_EQ(params_of(*plan, "disk")["mode"], "write");
  EXPECT_EQ(params_of(*plan, "disk")["passes"], "2");
  EXPECT_EQ(params_of(*plan, "disk")["selftest"], "short");
  EXPECT_EQ(params_of(*plan, "disk-perf")["runtime"], "30s");
  auto plain = plan_step("burnin_disk", nullptr, json::object());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->stages->size(), 1U) << "no fio runtime: no disk-perf stage";
}

TEST(PlanStep, BurninNetworkStaticPartner) {
  auto plan = plan_step(
      "burnin_network", nullptr,
      json{{"agent_burnin_fio_network_runtime", 30},
           {"agent_burnin_fio_network_config", {{"role", "writer"}, {"partner", "10.0.0.2"}}}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(params_of(*plan, "network")["duration"], "30s");
  EXPECT_EQ(params_of(*plan, "network")["peers"], "[10.0.0.2]");
  EXPECT_EQ(params_of(*plan, "network")["window"], "900s");
  auto bad =
      plan_step("burnin_network", nullptr,
                json{{"agent_burnin_fio_network_config", {{"role", "boss"}, {"partner", "x"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("role 'boss'"));
}

TEST(PlanStep, KilnBurninArgs) {
  auto plan = plan_step(
      "kiln_burnin",
      json{{"profile", "quick"},
           {"stages", "cpu,memory"},
           {"params", {{"cpu", {{"duration", "2h"}, {"methods", {"int64", "matrixprod"}}}}}}},
      json::object());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(*plan->profile, "quick");
  ASSERT_EQ(plan->stages->size(), 2U);
  EXPECT_EQ((*plan->stages)[1].stage, "memory");
  EXPECT_EQ(plan->overrides["cpu"]["duration"].text, "2h");
  EXPECT_TRUE(plan->overrides["cpu"]["methods"].is_list);
  auto unknown = plan_step("kiln_burnin", json{{"colour", "red"}}, json::object());
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown argument 'colour'"));
  auto half = plan_step("kiln_burnin", json{{"kiln_url", "http://o:8080"}}, json::object());
  ASSERT_FALSE(half.ok());
  EXPECT_FALSE(plan_step("burnin_cpu", json{{"profile", "quick"}}, json::object()).ok())
      << "IPA's steps take no args";
  auto none = plan_step("no_such_step", nullptr, json::object());
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("kiln_burnin"));
}

TEST(PlanStep, DecommissionIsItsOwnMode) {
  auto plan = plan_step("kiln_decommission", json{{"operator", "alice"}}, json::object());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->mode, "decommission");
  EXPECT_EQ(*plan->profile, "decommission");
  EXPECT_EQ(plan->operator_name, "alice");
  EXPECT_EQ(plan_step("kiln_burnin", nullptr, json::object())->mode, "burnin")
      << "a burn-in step never wipes";
}

TEST(DeriveProfile, ProfileParamsThenStepParams) {
  Profile base;
  base.name = "standard";
  ParamValue ten{"10m", {}, false, {"standard.yaml", 4}};
  ParamValue key{"/etc/kiln/key", {}, false, {"standard.yaml", 9}};
  base.stages = {{"cpu", {{"duration", ten}}, {}}, {"network", {{"key_file", key}}, {}}};
  auto plan = plan_step("burnin_network", nullptr, json{{"agent_burnin_fio_network_runtime", 5}});
  ASSERT_TRUE(plan.ok());
  auto derived = derive_profile(*plan, base, "standard/burnin_network");
  ASSERT_TRUE(derived.ok()) << derived.error().message;
  ASSERT_EQ(derived->stages.size(), 1U);
  EXPECT_EQ(derived->stages[0].params.at("key_file").text, "/etc/kiln/key")
      << "the profile's key file is kept";
  EXPECT_EQ(derived->stages[0].params.at("duration").text, "5s");

  auto burnin =
      plan_step("kiln_burnin", json{{"params", {{"disk", {{"passes", 2}}}}}}, json::object());
  ASSERT_TRUE(burnin.ok());
  auto refused = derive_profile(*burnin, base, "x");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("args.params.disk"));
  auto over =
      plan_step("kiln_burnin", json{{"params", {{"cpu", {{"duration", "1h"}}}}}}, json::object());
  auto whole = derive_profile(*over, base, "standard/kiln_burnin");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->stages.size(), 2U);
  EXPECT_EQ(whole->stages[0].params.at("duration").text, "1h");
}

}  // namespace
}  // namespace kiln::runner::agent
