#include "analysis/delivery_figures.hpp"

#include <fmt/format.h>

#include <map>
#include <string_view>

#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

struct Catalog {
  Better better;
  const char* what;  // label prefix
  const char* hint;
};

constexpr const char* kCpuHint = "check BIOS power profile / memory population";
constexpr const char* kMemoryHint = "check memory population (DIMMs per channel) and DIMM speed";
constexpr const char* kDiskHint = "check the disk's model and firmware, its link (PCIe/SATA) "
                                  "speed and the controller cache";
constexpr const char* kNetHint = "check cable, switch port, link speed and NIC firmware";

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::optional<Catalog> catalog(std::string_view stage, std::string_view name) {
  if (name == "score") return Catalog{Better::kHigher, "benchmark score", kCpuHint};
  if (name == "workload_score") return Catalog{Better::kHigher, "benchmark score", kCpuHint};
  if (name == "memtest_bandwidth")
    return Catalog{Better::kHigher, "memory bandwidth", kMemoryHint};
  if (starts(name, "stress_ng_vm_") && ends(name, "_bogo_ops_per_s"))
    return Catalog{Better::kHigher, "memory", kMemoryHint};
  if (starts(name, "stress_ng_cpu_") && ends(name, "_bogo_ops_per_s"))
    return Catalog{Better::kHigher, "CPU", kCpuHint};
  if (name == "cpu_frequency_mean")
    return Catalog{Better::kHigher, "mean CPU frequency",
                   "check BIOS power profile, cooling and thermal throttling"};
  if (stage == "disk-perf" && (ends(name, "_bandwidth") || ends(name, "_iops")))
    return Catalog{Better::kHigher, "fio", kDiskHint};
  if (stage == "disk-perf" && ends(name, "_p99_latency"))
    return Catalog{Better::kLower, "fio", kDiskHint};
  if (starts(name, "tcp_") && ends(name, "_gbps"))
    return Catalog{Better::kHigher, "iperf3", kNetHint};
  return std::nullopt;
}

std::optional<TenderLimit> tender_of(const nlohmann::json& measurement) {
  const auto* limits = json_path(measurement, {"limits"});
  if (limits == nullptr || !limits->is_array()) return std::nullopt;
  for (const auto& l : *limits) {
    auto threshold = json_number(l, "threshold");
    if (!threshold) continue;
    return TenderLimit{json_string(l, "name").value_or(""),
                       json_string(l, "comparison").value_or(""), *threshold};
  }
  return std::nullopt;
}

bool generic_component(const std::string& c) {
  return c.empty() || c == "CPU" || c == "memory";
}

}  // namespace

std::vector<NodeFigure> figures_of_report(const nlohmann::json& report) {
  struct Sum {
    NodeFigure figure;
    double total = 0;
    int count = 0;
  };
  std::map<std::string, Sum> sums;  // by key, in key order
  const auto* stages = json_path(report, {"stages"});
  if (stages == nullptr || !stages->is_array()) return {};
  for (const auto& stage : *stages) {
    const std::string stage_name = json_string(stage, "name").value_or("");
    const auto* measurements = json_path(stage, {"measurements"});
    if (measurements == nullptr || !measurements->is_array()) continue;
    for (const auto& m : *measurements) {
      auto name = json_string(m, "name");
      auto value = json_number(m, "value");
      if (!name || !value) continue;
      auto entry = catalog(stage_name, *name);
      if (!entry) continue;
      const std::string component = json_string(m, "component").value_or("");
      const bool generic = generic_component(component);
      std::string key = fmt::format("{}.{}", stage_name, *name);
      if (!generic) key += fmt::format("[{}]", component);
      auto& sum = sums[key];
      if (sum.count == 0) {
        NodeFigure& f = sum.figure;
        f.key = key;
        f.stage = stage_name;
        f.name = *name;
        f.component = component;
        f.unit = json_string(m, "unit").value_or("");
        f.better = entry->better;
        f.hint = entry->hint;
        f.tender = tender_of(m);
        const bool named = std::string_view(entry->what).find(' ') != std::string_view::npos;
        f.label = named ? entry->what : fmt::format("{} {}", entry->what, *name);
        if (!generic) f.label += fmt::format(" of {}", component);
      }
      sum.total += *value;
      ++sum.count;
    }
  }
  std::vector<NodeFigure> out;
  out.reserve(sums.size());
  for (auto& [key, sum] : sums) {
    sum.figure.value = sum.total / sum.count;
    out.push_back(std::move(sum.figure));
  }
  return out;
}

}  // namespace kiln::orchestrator
