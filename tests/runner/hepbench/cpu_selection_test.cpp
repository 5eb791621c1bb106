#include "hepbench/cpu_selection.hpp"

#include <gtest/gtest.h>

#include <map>

namespace kiln::hepbench {
namespace {

// A fake sysfs: a map from path to content.
SysfsReader fake_sysfs(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& path) -> std::optional<std::string> {
    const auto found = files.find(path);
    if (found == files.end()) return std::nullopt;
    return found->second;
  };
}

// 2 cores x 2 threads, numbered as Linux does on x86: siblings 0,2 and 1,3.
SysfsReader smt_machine() {
  return fake_sysfs({{"/sys/devices/system/cpu/online", "0-3\n"},
                     {thread_siblings_path(0), "0,2\n"},
                     {thread_siblings_path(1), "1,3\n"},
                     {thread_siblings_path(2), "0,2\n"},
                     {thread_siblings_path(3), "1,3\n"}});
}

TEST(HepbenchCpuList, ParsesKernelLists) {
  EXPECT_EQ(*parse_cpu_list("0-3,8,10-11\n"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(*parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(*parse_cpu_list("3,1,1"), (std::vector<int>{1, 3}));
}

TEST(HepbenchCpuList, RejectsMalformedLists) {
  for (const char* bad : {"", "\n", "a", "3-1", "1-", "-1", "1,,2", "0-70000", "1.5"}) {
    auto parsed = parse_cpu_list(bad);
    EXPECT_FALSE(parsed.ok()) << "'" << bad << "'";
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code, "KILN-HEPBENCH-TOPOLOGY");
    }
  }
}

TEST(HepbenchCopyPlan, OnePerLogicalCpuByDefault) {
  EXPECT_EQ(*plan_copy_cpus({}, smt_machine()), (std::vector<int>{0, 1, 2, 3}));
}

TEST(HepbenchCopyPlan, OnePerPhysicalCoreOnTheFirstSibling) {
  EXPECT_EQ(*plan_copy_cpus({CopyPlacement::kPerPhysicalCore, 0}, smt_machine()),
            (std::vector<int>{0, 1}));
  // A range-style siblings list ("0-1") as on some platforms.
  auto ranges = fake_sysfs({{"/sys/devices/system/cpu/online", "0-3"},
                            {thread_siblings_path(0), "0-1"},
                            {thread_siblings_path(1), "0-1"},
                            {thread_siblings_path(2), "2-3"},
                            {thread_siblings_path(3), "2-3"}});
  EXPECT_EQ(*plan_copy_cpus({CopyPlacement::kPerPhysicalCore, 0}, ranges),
            (std::vector<int>{0, 2}));
}

TEST(HepbenchCopyPlan, FixedCountWrapsAroundTheOnlineCpus) {
  EXPECT_EQ(*plan_copy_cpus({CopyPlacement::kFixedCount, 2}, smt_machine()),
            (std::vector<int>{0, 1}));
  EXPECT_EQ(*plan_copy_cpus({CopyPlacement::kFixedCount, 6}, smt_machine()),
            (std::vector<int>{0, 1, 2, 3, 0, 1}));
  EXPECT_FALSE(plan_copy_cpus({CopyPlacement::kFixedCount, 0}, smt_machine()).ok());
}

TEST(HepbenchCopyPlan, UnreadableSysfsIsAnError) {
  auto none = plan_copy_cpus({}, fake_sysfs({}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("/sys/devices/system/cpu/online"), std::string::npos);
  auto no_topology = plan_copy_cpus({CopyPlacement::kPerPhysicalCore, 0},
                                    fake_sysfs({{"/sys/devices/system/cpu/online", "0-1"}}));
  ASSERT_FALSE(no_topology.ok());
  EXPECT_NE(no_topology.error().message.find("thread_siblings_list"), std::string::npos);
}

}  // namespace
}  // namespace kiln::hepbench
