// MemAvailable and NUMA parsing, region planning, sizing from MemAvailable.
#include "memtest/topology.hpp"

#include <gtest/gtest.h>

#include "fake_memtest_host.hpp"
#include "memtest/memtest.hpp"

namespace kiln::memtest {
namespace {

using testing::table_host;

TEST(Topology, ParsesCpuLists) {
  auto cpus = parse_cpulist("0-3,8,10-11\n");
  ASSERT_TRUE(cpus.ok());
  EXPECT_EQ(*cpus, (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_TRUE(parse_cpulist("\n")->empty());
  EXPECT_FALSE(parse_cpulist("3-1").ok());
  EXPECT_FALSE(parse_cpulist("0-x").ok());
  EXPECT_FALSE(parse_cpulist("0-99999999").ok());
}

TEST(Topology, ParsesMemAvailable) {
  auto bytes = parse_mem_available(
      "MemTotal:       32768000 kB\nMemFree:  100 kB\n"
      "MemAvailable:   24398584 kB\nBuffers: 1 kB\n");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, 24398584ULL * 1024);
  EXPECT_FALSE(parse_mem_available("MemTotal: 1 kB\n").ok());
  EXPECT_FALSE(parse_mem_available("MemAvailable: lots\n").ok());
  EXPECT_EQ(parse_node_mem_free("Node 1 MemTotal: 10 kB\nNode 1 MemFree:    2048 kB\n"),
            2048U * 1024);
}

TEST(Topology, DiscoversNodesRestrictedToAllowedCpus) {
  const auto host = table_host({
      {"/sys/devices/system/node/node0/cpulist", "0-3\n"},
      {"/sys/devices/system/node/node0/meminfo", "Node 0 MemFree: 1024 kB\n"},
      {"/sys/devices/system/node/node1/cpulist", "4-7\n"},
      {"/sys/devices/system/node/node2/cpulist", "\n"},  // memory-only node
      {"/sys/devices/system/node/possible", "0-2\n"},
  });
  const auto nodes = discover_numa_nodes(host, {0, 1, 5});
  ASSERT_EQ(nodes.size(), 2U);
  EXPECT_EQ(nodes[0].id, 0);
  EXPECT_EQ(nodes[0].cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(nodes[0].free_bytes, 1024U * 1024);
  EXPECT_EQ(nodes[1].id, 1);
  EXPECT_EQ(nodes[1].cpus, (std::vector<int>{5}));
  EXPECT_EQ(nodes[1].free_bytes, 0U);
}

TEST(Topology, NoNodeTreeIsOneNode) {
  const auto nodes = discover_numa_nodes(table_host({}), {0, 1});
  ASSERT_EQ(nodes.size(), 1U);
  EXPECT_EQ(nodes[0].cpus, (std::vector<int>{0, 1}));
}

TEST(Topology, PlanSplitsByWorkersRoundRobinAcrossNodes) {
  const std::vector<NumaNode> nodes{{0, {0, 1, 2}, 0}, {1, {4}, 0}};
  auto plan = plan_regions(16 * 4096, nodes, 0, 4096);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 4U);
  std::size_t next = 0;
  std::size_t node1_bytes = 0;
  for (const auto& region : *plan) {
    EXPECT_EQ(region.offset, next);
    EXPECT_EQ(region.offset % 4096, 0U);
    EXPECT_GT(region.bytes, 0U);
    next += region.bytes;
    if (region.node == 1) node1_bytes += region.bytes;
  }
  EXPECT_EQ(next, 16U * 4096);
  EXPECT_EQ(node1_bytes, 4U * 4096);  // one worker of four
  // max_threads 2: one CPU of each node first.
  auto two = plan_regions(16 * 4096, nodes, 2, 4096);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2U);
  EXPECT_EQ((*two)[0].cpu, 0);
  EXPECT_EQ((*two)[1].cpu, 4);
}

TEST(Topology, PlanFollowsNodeFreeMemoryWhenKnown) {
  const std::vector<NumaNode> nodes{{0, {0}, 3ULL << 30}, {1, {1}, 1ULL << 30}};
  auto plan = plan_regions(8 * 4096, nodes, 0, 4096);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 2U);
  EXPECT_EQ((*plan)[0].bytes, 6U * 4096);
  EXPECT_EQ((*plan)[1].bytes, 2U * 4096);
}

TEST(Topology, PlanBelowOneRegionIsAnError) {
  auto plan = plan_regions(100, {{0, {0}, 0}}, 0, 4096);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, "memtest-too-small");
}

TEST(Topology, EngineSizesFromMemAvailableMinusReserve) {
  MemtestOptions options;
  options.reserve_bytes = 1U << 20;
  options.patterns = {"random_value"};
  options.max_threads = 1;
  options.lock_memory = false;
  MemtestHooks hooks;
  hooks.host = table_host({{"/proc/meminfo", "MemTotal: 9999 kB\nMemAvailable: 3072 kB\n"}});
  auto report = run_memtest(options, hooks);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->mem_available, 3072U * 1024);
  EXPECT_EQ(report->bytes_tested, 2U << 20);

  options.reserve_bytes = 4U << 20;
  auto too_small = run_memtest(options, hooks);
  ASSERT_FALSE(too_small.ok());
  EXPECT_EQ(too_small.error().code, "memtest-too-small");
}

}  // namespace
}  // namespace kiln::memtest
