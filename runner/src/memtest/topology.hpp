// Sizing and placement: how much memory to test (MemAvailable minus a
// reserve), which NUMA nodes hold which CPUs, and the split of the test
// memory into one disjoint, page-aligned region per pinned worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "memtest/host_reader.hpp"

namespace kiln::memtest {

// "0-3,8,10-11\n" → {0,1,2,3,8,10,11}.
Expected<std::vector<int>> parse_cpulist(std::string_view text);
// MemAvailable of /proc/meminfo text, in bytes.
Expected<std::uint64_t> parse_mem_available(std::string_view meminfo);
// "Node 0 MemFree: 123 kB" of /sys/devices/system/node/nodeN/meminfo, in bytes; 0 if absent.
std::uint64_t parse_node_mem_free(std::string_view node_meminfo);

struct NumaNode {
  int id = 0;
  std::vector<int> cpus;         // those the process may run on
  std::uint64_t free_bytes = 0;  // 0: unknown
};

inline constexpr std::string_view kNodeRoot = "/sys/devices/system/node";

// Nodes from nodeN/cpulist, restricted to `allowed_cpus`; nodes left without
// CPUs are dropped. No node tree (or nothing usable): one node 0 with
// `allowed_cpus`.
std::vector<NumaNode> discover_numa_nodes(const MemtestHost& host,
                                          const std::vector<int>& allowed_cpus,
                                          std::string_view node_root = kNodeRoot);

struct RegionPlan {
  int node = 0;
  int cpu = -1;
  std::size_t offset = 0;  // in the test memory, a multiple of granularity
  std::size_t bytes = 0;   // a multiple of granularity, > 0
};

// One region per worker. Workers are the nodes' CPUs taken round-robin across
// nodes, up to max_threads (0: all), and no more than total/granularity.
// Memory is shared among nodes by their free memory when every node reports
// it, else by their worker count; within a node, equally.
Expected<std::vector<RegionPlan>> plan_regions(std::size_t total_bytes,
                                               const std::vector<NumaNode>& nodes,
                                               unsigned max_threads, std::size_t granularity);

}  // namespace kiln::memtest
