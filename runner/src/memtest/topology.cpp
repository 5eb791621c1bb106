// Parsing of MemAvailable and NUMA node files, and the region plan.
#include "memtest/topology.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "kiln/text.hpp"
#include "tools/procfs.hpp"

namespace kiln::memtest {

namespace {

constexpr int kMaxCpu = 1 << 16;

bool parse_int(std::string_view text, int& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && out >= 0 && out < kMaxCpu;
}

using kiln::trim;

// `key` of a meminfo file, in bytes; nullopt if absent.
std::optional<std::uint64_t> kib_field(std::string_view text, std::string_view key) {
  auto kib = tools::meminfo_kib(text, key);
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

}  // namespace

Expected<std::vector<int>> parse_cpulist(std::string_view text) {
  std::vector<int> cpus;
  text = trim(text);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto dash = item.find('-');
    int first = 0;
    int last = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_int(item, first) && parse_int(item, last)
                        : parse_int(item.substr(0, dash), first) &&
                              parse_int(item.substr(dash + 1), last) && first <= last;
    if (!ok) {
      return make_error("memtest-bad-sysfs",
                        "unreadable CPU list item '" + std::string(item) + "'");
    }
    for (int cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

Expected<std::uint64_t> parse_mem_available(std::string_view meminfo) {
  auto bytes = kib_field(meminfo, "MemAvailable");
  if (!bytes) {
    return make_error("memtest-no-memavailable", "no readable MemAvailable line in /proc/meminfo",
                      "the kernel is older than 3.14 or /proc is not mounted; give memory bytes");
  }
  return *bytes;
}

std::uint64_t parse_node_mem_free(std::string_view node_meminfo) {
  return kib_field(node_meminfo, "MemFree").value_or(0);
}

std::vector<NumaNode> discover_numa_nodes(const MemtestHost& host,
                                          const std::vector<int>& allowed_cpus,
                                          std::string_view node_root) {
  std::vector<NumaNode> nodes;
  const std::string root(node_root);
  auto names = host.list_dir
                   ? host.list_dir(root)
                   : Expected<std::vector<std::string>>(make_error("memtest-no-node", ""));
  if (names && host.read_file) {
    for (const auto& name : *names) {
      int id = 0;
      if (name.size() <= 4 || name.substr(0, 4) != "node" || !parse_int(name.substr(4), id))
        continue;
      auto text = host.read_file(root + "/" + name + "/cpulist");
      if (!text) continue;
      auto cpus = parse_cpulist(*text);
      if (!cpus) continue;
      NumaNode node;
      node.id = id;
      for (int cpu : *cpus) {
        if (std::binary_search(allowed_cpus.begin(), allowed_cpus.end(), cpu)) {
          node.cpus.push_back(cpu);
        }
      }
      if (node.cpus.empty()) continue;  // memory-only node, or none of ours
      auto meminfo = host.read_file(root + "/" + name + "/meminfo");
      node.free_bytes = meminfo ? parse_node_mem_free(*meminfo) : 0;
      nodes.push_back(std::move(node));
    }
  }
  if (nodes.empty()) nodes.push_back(NumaNode{0, allowed_cpus, 0});
  return nodes;
}

Expected<std::vector<RegionPlan>> plan_regions(std::size_t total_bytes,
                                               const std::vector<NumaNode>& nodes,
                                               unsigned max_threads, std::size_t granularity) {
  const std::size_t units = granularity == 0 ? 0 : total_bytes / granularity;
  if (units == 0 || nodes.empty()) {
    return make_error("memtest-too-small",
                      "memory test of " + std::to_string(total_bytes) + " bytes is below one " +
                          std::to_string(granularity) + "-byte region",
                      "lower memory.reserve or check MemAvailable");
  }
  std::size_t limit = max_threads == 0 ? units : std::min<std::size_t>(max_threads, units);
  // Workers: CPUs round-robin across nodes (node -1 CPU: unpinned).
  std::vector<std::vector<int>> workers(nodes.size());
  std::size_t count = 0;
  for (std::size_t round = 0; count < limit; ++round) {
    bool any = false;
    for (std::size_t n = 0; n < nodes.size() && count < limit; ++n) {
      const auto& cpus = nodes[n].cpus;
      if (round < std::max<std::size_t>(cpus.size(), 1)) {
        workers[n].push_back(cpus.empty() ? -1 : cpus[round]);
        ++count;
        any = true;
      }
    }
    if (!any) break;
  }
  // Only nodes that got workers share the memory.
  std::vector<long double> weights(nodes.size(), 0);
  const bool by_free =
      std::all_of(nodes.begin(), nodes.end(), [](const NumaNode& n) { return n.free_bytes > 0; });
  long double weight_sum = 0;
  std::size_t last_used = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (workers[n].empty()) continue;
    weights[n] = by_free ? static_cast<long double>(nodes[n].free_bytes)
                         : static_cast<long double>(workers[n].size());
    weight_sum += weights[n];
    last_used = n;
  }
  std::vector<RegionPlan> plan;
  std::size_t offset = 0;
  std::size_t units_left = units;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (workers[n].empty()) continue;
    std::size_t node_units =
        n == last_used
            ? units_left
            : static_cast<std::size_t>(static_cast<long double>(units) * weights[n] / weight_sum);
    node_units = std::min(node_units, units_left);
    units_left -= node_units;
    const std::size_t per_worker = node_units / workers[n].size();
    std::size_t extra = node_units % workers[n].size();
    for (int cpu : workers[n]) {
      const std::size_t mine = per_worker + (extra > 0 ? 1 : 0);
      if (extra > 0) --extra;
      if (mine == 0) continue;
      plan.push_back(RegionPlan{nodes[n].id, cpu, offset, mine * granularity});
      offset += mine * granularity;
    }
  }
  return plan;
}

}  // namespace kiln::memtest
