#include "report/tender_requirements.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "kiln/firmware.hpp"
#include "kiln/json_input.hpp"

namespace kiln::orchestrator {
namespace {

struct Acc {
  TenderRequirement req;
  std::vector<double> numbers;
  std::vector<std::string> texts;
  std::map<const NodeRecord*, NodeStanding> standing;
  std::map<const NodeRecord*, std::vector<double>> node_numbers;
  std::string comparison;
};

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return number_text(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return {};
}

// The batch statistics of the values as text.
void describe_values(Acc& a) {
  if (a.req.numeric && !a.numbers.empty()) {
    std::sort(a.numbers.begin(), a.numbers.end());
    const std::size_t n = a.numbers.size();
    const double median =
        n % 2 == 1 ? a.numbers[n / 2] : (a.numbers[n / 2 - 1] + a.numbers[n / 2]) / 2;
    a.req.min = number_text(a.numbers.front());
    a.req.median = number_text(median);
    a.req.max = number_text(a.numbers.back());
  } else if (!a.texts.empty()) {
    std::sort(a.texts.begin(), a.texts.end(), [](const std::string& x, const std::string& y) {
      return compare_versions(x, y) < 0;
    });
    a.req.min = a.texts.front();
    a.req.median = a.texts[a.texts.size() / 2];
    a.req.max = a.texts.back();
  }
}

// The worst of a node's values for the comparison: the lowest for a minimum.
double worst(const std::vector<double>& values, const std::string& comparison) {
  const bool minimum = comparison.starts_with("GREATER");
  return minimum ? *std::min_element(values.begin(), values.end())
                 : *std::max_element(values.begin(), values.end());
}

std::string label_of(const nlohmann::json& check) {
  const std::string stage = json_string(check, "stage").value_or("");
  const std::string measurement = json_string(check, "measurement").value_or("");
  return stage.empty() ? measurement : fmt::format("{} {}", stage, measurement);
}

std::string firmware_label(const std::string& name) {
  const std::string rest = name.substr(std::string("firmware.").size());
  if (rest == "bios") return "BIOS version";
  if (rest == "bmc") return "BMC firmware";
  if (rest == "microcode_min") return "CPU microcode";
  if (rest == "dimm_speed_at_rated") return "DIMM configured speed = rated";
  if (rest.starts_with("disks.")) return "disk firmware, model " + rest.substr(6);
  if (rest.starts_with("nics.")) return "NIC firmware, " + rest.substr(5);
  return rest;
}

}  // namespace

int TenderRequirement::meeting() const {
  return static_cast<int>(
      std::count_if(nodes.begin(), nodes.end(), [](const NodeStanding& s) { return s.met; }));
}

std::string comparison_symbol(const std::string& c) {
  if (c == "GREATER_THAN_OR_EQUAL") return ">=";
  if (c == "GREATER_THAN") return ">";
  if (c == "LESS_THAN_OR_EQUAL") return "<=";
  if (c == "LESS_THAN") return "<";
  if (c == "EQUAL") return "=";
  if (c == "NOT_EQUAL") return "!=";
  if (c == "REGEX_MATCH") return "matches";
  if (c == "IN_SET") return "one of";
  return c;
}

std::string number_text(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return std::fabs(v) >= 100 ? fmt::format("{:.1f}", v) : fmt::format("{:.4g}", v);
}

std::vector<TenderRequirement> tender_requirements(const std::vector<DeliveryNode>& nodes) {
  std::map<std::string, Acc> accs;
  std::vector<std::string> order;
  auto acc_for = [&](const std::string& name) -> Acc& {
    auto [it, inserted] = accs.try_emplace(name);
    if (inserted) order.push_back(name);
    return it->second;
  };
  for (const auto& n : nodes) {
    const NodeRecord* node = &n.node;
    if (const auto* checks = json_path(n.report, {"limits_checked"});
        checks && checks->is_array()) {
      for (const auto& c : *checks) {
        const std::string name = json_string(c, "name").value_or("");
        if (name.empty()) continue;
        Acc& a = acc_for(name);
        const auto* value = json_path(c, {"value"});
        const auto* threshold = json_path(c, {"threshold"});
        if (a.req.name.empty()) {
          a.req.name = name;
          a.req.label = label_of(c);
          a.comparison = json_string(c, "comparison").value_or("");
          a.req.unit = json_string(c, "unit").value_or("");
          a.req.limit = fmt::format("{} {}", comparison_symbol(a.comparison),
                                    threshold != nullptr ? text_of(*threshold) : "?");
          a.req.numeric = value != nullptr && value->is_number();
        }
        auto& s = a.standing[node];
        s.node = node;
        if (json_path(c, {"passed"}) != nullptr && !json_path(c, {"passed"})->is_boolean())
          continue;
        if (const auto* passed = json_path(c, {"passed"}); passed && !passed->get<bool>())
          s.met = false;
        if (value != nullptr && value->is_number() && a.req.numeric) {
          a.numbers.push_back(value->get<double>());
          a.node_numbers[node].push_back(value->get<double>());
        } else if (value != nullptr) {
          a.req.numeric = false;
          a.texts.push_back(text_of(*value));
          s.value = s.value.empty() ? text_of(*value) : s.value;
        }
      }
    }
    const auto* fw = json_path(n.report, {"firmware", "requirements"});
    if (fw == nullptr || !fw->is_array()) continue;
    for (const auto& r : *fw) {
      const std::string name = json_string(r, "requirement").value_or("");
      if (name.empty()) continue;
      Acc& a = acc_for(name);
      if (a.req.name.empty()) {
        a.req.name = name;
        a.req.label = firmware_label(name);
        a.req.limit = json_string(r, "required").value_or("");
        a.req.numeric = false;
      }
      auto& s = a.standing[node];
      s.node = node;
      const std::string found = json_string(r, "found").value_or("");
      if (json_path(r, {"met"}) == nullptr || !json_path(r, {"met"})->is_boolean() ||
          !json_path(r, {"met"})->get<bool>()) {
        s.met = false;
        s.value = found.empty() ? "unread" : found;  // the failing component's value first
      } else if (s.value.empty()) {
        s.value = found;
      }
      if (!found.empty()) a.texts.push_back(found);
    }
  }
  std::vector<TenderRequirement> out;
  for (const auto& name : order) {
    Acc& a = accs[name];
    for (auto& [node, values] : a.node_numbers) {
      a.standing[node].value = number_text(worst(values, a.comparison));
    }
    describe_values(a);
    for (auto& [node, s] : a.standing) a.req.nodes.push_back(s);
    std::sort(a.req.nodes.begin(), a.req.nodes.end(),
              [](const NodeStanding& x, const NodeStanding& y) {
                return x.node->serial != y.node->serial ? x.node->serial < y.node->serial
                                                        : x.node->uuid < y.node->uuid;
              });
    out.push_back(std::move(a.req));
  }
  return out;
}

}  // namespace kiln::orchestrator
