#include "kiln/text.hpp"
#include "hepbench/cpu_selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace kiln::hepbench {
namespace {

constexpr int kMaxCpuId = 65535;

Error topology_error(std::string message) {
  return make_error("KILN-HEPBENCH-TOPOLOGY", std::move(message),
                    "Check that sysfs is mounted and the CPUs are online.");
}

using kiln::trim;

std::optional<int> parse_id(std::string_view text) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > kMaxCpuId) {
    return std::nullopt;
  }
  return value;
}

Expected<std::vector<int>> read_cpu_list(const SysfsReader& read, const std::string& path) {
  const std::optional<std::string> text = read(path);
  if (!text) return topology_error(fmt::format("cannot read {}", path));
  auto cpus = parse_cpu_list(*text);
  if (!cpus) return topology_error(fmt::format("{}: {}", path, cpus.error().message));
  return cpus;
}

}  // namespace

std::string thread_siblings_path(int cpu) {
  return fmt::format("/sys/devices/system/cpu/cpu{}/topology/thread_siblings_list", cpu);
}

Expected<std::vector<int>> parse_cpu_list(std::string_view text) {
  text = trim(text);
  if (text.empty()) return topology_error("empty CPU list");
  std::vector<int> cpus;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto dash = item.find('-');
    const auto first = parse_id(item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : parse_id(item.substr(dash + 1));
    if (!first || !last || *last < *first) {
      return topology_error(fmt::format("malformed CPU list item '{}'", item));
    }
    for (int cpu = *first; cpu <= *last; ++cpu) cpus.push_back(cpu);
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

Expected<std::vector<int>> plan_copy_cpus(const CopyPolicy& policy, const SysfsReader& read) {
  auto online = read_cpu_list(read, std::string(kOnlineCpusPath));
  if (!online) return online.error();
  switch (policy.placement) {
    case CopyPlacement::kPerLogicalCpu:
      return online;
    case CopyPlacement::kPerPhysicalCore: {
      std::vector<int> cores;
      for (const int cpu : *online) {
        auto siblings = read_cpu_list(read, thread_siblings_path(cpu));
        if (!siblings) return siblings.error();
        // The core's copy runs on its lowest-numbered online sibling.
        const auto lowest = std::find_if(siblings->begin(), siblings->end(), [&](int s) {
          return std::binary_search(online->begin(), online->end(), s);
        });
        if (lowest == siblings->end() || *lowest == cpu) cores.push_back(cpu);
      }
      return cores;
    }
    case CopyPlacement::kFixedCount: {
      if (policy.count == 0) {
        return make_error("KILN-HEPBENCH-CONFIG", "a fixed copy count must be at least 1");
      }
      std::vector<int> cpus;
      for (std::size_t i = 0; i < policy.count; ++i) cpus.push_back((*online)[i % online->size()]);
      return cpus;
    }
  }
  return online;
}

}  // namespace kiln::hepbench
