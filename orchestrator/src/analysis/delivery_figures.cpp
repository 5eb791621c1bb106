#include "analysis/delivery_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "kiln/catalog/measurements.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

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

bool worse(double a, double b, Better better) {
  return better == Better::kHigher ? a < b : a > b;
}

// The component a per-component key names: "benchmark.workload_score[workload x]" -> "workload x".
std::string component_of_key(const std::string& key) {
  auto open = key.rfind('[');
  if (open == std::string::npos || key.back() != ']') return {};
  return key.substr(open + 1, key.size() - open - 2);
}

}  // namespace

ReportFigures analyse_report(const nlohmann::json& report) {
  struct Mean {
    double total = 0;
    int count = 0;
    [[nodiscard]] double value() const { return total / count; }
  };
  struct Acc {
    NodeFigure figure;
    bool per_part = false;              // grouped by role: the node's worst part counts
    std::map<std::string, Mean> parts;  // by component; repeats (two iperf3 partners) averaged
    std::map<std::string, std::optional<TenderLimit>> tenders;
  };
  ReportFigures out;
  std::map<std::string, Acc> accs;  // by key, in key order
  const auto* stages = json_path(report, {"stages"});
  if (stages == nullptr || !stages->is_array()) return out;
  for (const auto& stage : *stages) {
    const std::string stage_name = json_string(stage, "name").value_or("");
    const auto* measurements = json_path(stage, {"measurements"});
    if (measurements == nullptr || !measurements->is_array()) continue;
    for (const auto& m : *measurements) {
      auto name = json_string(m, "name");
      if (!name) continue;
      const auto* decl = catalog::find_measurement(stage_name, *name);
      if (decl == nullptr) {  // stored and shown with the report, but not judged here
        std::string what = fmt::format("{}.{}", stage_name, *name);
        if (std::find(out.not_analysed.begin(), out.not_analysed.end(), what) ==
            out.not_analysed.end()) {
          out.not_analysed.push_back(std::move(what));
        }
        continue;
      }
      auto value = json_number(m, "value");
      if (!value || !decl->better) continue;
      const std::string component = json_string(m, "component").value_or("");
      const auto* hardware_json = json_path(m, {"hardware"});
      auto hardware =
          hardware_json != nullptr ? catalog::identity_from_json(*hardware_json) : std::nullopt;
      std::string key =
          catalog::batch_key(stage_name, *decl, *name, component, hardware ? &*hardware : nullptr);
      if (key.empty()) continue;
      auto& acc = accs[key];
      if (acc.parts.empty()) {
        NodeFigure& f = acc.figure;
        f.key = key;
        f.stage = stage_name;
        f.name = *name;
        f.unit = json_string(m, "unit").value_or(std::string(decl->unit));
        f.better = *decl->better == catalog::Better::kHigher ? Better::kHigher : Better::kLower;
        f.hint = std::string(decl->hint);
        const bool named = std::string_view(decl->label).find(' ') != std::string_view::npos;
        f.label = named ? std::string(decl->label) : fmt::format("{} {}", decl->label, *name);
        f.batch_label = f.label;
        if (auto open = key.rfind('['); open != std::string::npos && key.back() == ']') {
          f.batch_label += fmt::format(", {}", key.substr(open + 1, key.size() - open - 2));
        }
        acc.per_part = decl->batch == catalog::BatchBy::kDiskModel ||
                       decl->batch == catalog::BatchBy::kNicSpeed;
      }
      auto& part = acc.parts[acc.per_part ? component : std::string()];
      part.total += *value;
      ++part.count;
      auto& tender = acc.tenders[acc.per_part ? component : std::string()];
      if (!tender) tender = tender_of(m);
    }
  }
  out.figures.reserve(accs.size());
  for (auto& [key, acc] : accs) {
    NodeFigure& f = acc.figure;
    auto chosen = acc.parts.begin();
    for (auto it = acc.parts.begin(); it != acc.parts.end(); ++it) {
      if (worse(it->second.value(), chosen->second.value(), f.better)) chosen = it;
    }
    f.value = chosen->second.value();
    f.tender = acc.tenders[chosen->first];
    f.component = acc.per_part ? chosen->first : component_of_key(key);
    if (!f.component.empty() && f.component != "CPU" && f.component != "memory") {
      f.label += fmt::format(" of {}", f.component);
    }
    out.figures.push_back(std::move(f));
  }
  return out;
}

std::vector<NodeFigure> figures_of_report(const nlohmann::json& report) {
  return analyse_report(report).figures;
}

}  // namespace kiln::orchestrator
