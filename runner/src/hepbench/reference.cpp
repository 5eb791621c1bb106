#include "hepbench/reference.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

#include "hepbench/workload.hpp"

namespace kiln::hepbench {
namespace {

constexpr std::string_view kCode = "KILN-HEPBENCH-REFERENCE";
constexpr std::string_view kRemedy =
    "Fix configs/hepbench-reference.yaml: it must name every hepbench workload once with its "
    "events/s per copy on the reference machine.";

Error reference_error(std::string_view source, const YAML::Node& where, std::string_view what) {
  const int line = where.Mark().line;  // -1 when yaml-cpp has no position
  std::string message = line >= 0 ? fmt::format("{}:{}: {}", source, line + 1, what)
                                  : fmt::format("{}: {}", source, what);
  return make_error(std::string(kCode), std::move(message), std::string(kRemedy));
}

std::string known_workloads() {
  std::string names;
  for (const WorkloadKind& kind : workload_kinds()) {
    if (!names.empty()) names += ", ";
    names += kind.name;
  }
  return names;
}

Expected<std::string> scalar_text(std::string_view source, const YAML::Node& node,
                                  std::string_view key) {
  if (!node.IsScalar()) {
    return reference_error(source, node, fmt::format("'{}' must be a scalar", key));
  }
  return node.Scalar();
}

Expected<double> positive_number(std::string_view source, const YAML::Node& node,
                                 std::string_view key) {
  auto text = scalar_text(source, node, key);
  if (!text) return text.error();
  double value = 0.0;
  const char* first = text->data();
  const char* last = first + text->size();
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || !std::isfinite(value) || !(value > 0.0)) {
    return reference_error(
        source, node, fmt::format("'{}' must be a number > 0 (events/s), got '{}'", key, *text));
  }
  return value;
}

Expected<Reference> parse_root(std::string_view source, const YAML::Node& root) {
  if (!root.IsMap()) return reference_error(source, root, "the document must be a mapping");
  Reference ref;
  bool have_rates = false;
  for (const auto& entry : root) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
    const YAML::Node& value = entry.second;
    if (key == "machine" || key == "kiln_version" || key == "measured_with") {
      auto text = scalar_text(source, value, key);
      if (!text) return text.error();
      (key == "machine"        ? ref.machine
       : key == "kiln_version" ? ref.kiln_version
                               : ref.measured_with) = *text;
    } else if (key == "events_per_second_per_copy") {
      if (!value.IsMap()) {
        return reference_error(source, value, "'events_per_second_per_copy' must be a mapping");
      }
      have_rates = true;
      for (const auto& rate : value) {
        const std::string name = rate.first.IsScalar() ? rate.first.Scalar() : std::string{};
        if (find_workload_kind(name) == nullptr) {
          return reference_error(
              source, rate.first,
              fmt::format("unknown workload '{}' (known: {})", name, known_workloads()));
        }
        if (ref.events_per_second.contains(name)) {
          return reference_error(source, rate.first,
                                 fmt::format("workload '{}' is listed twice", name));
        }
        auto eps = positive_number(source, rate.second, name);
        if (!eps) return eps.error();
        ref.events_per_second.emplace(name, *eps);
      }
    } else {
      return reference_error(source, entry.first, fmt::format("unknown key '{}'", key));
    }
  }
  if (ref.machine.empty()) return reference_error(source, root, "missing 'machine'");
  if (ref.kiln_version.empty()) return reference_error(source, root, "missing 'kiln_version'");
  if (!have_rates) {
    return reference_error(source, root, "missing 'events_per_second_per_copy'");
  }
  for (const WorkloadKind& kind : workload_kinds()) {
    if (!ref.events_per_second.contains(kind.name)) {
      return reference_error(source, root,
                             fmt::format("no reference events/s for workload '{}'", kind.name));
    }
  }
  return ref;
}

}  // namespace

Expected<Reference> load_reference(std::string_view yaml_text, std::string_view source) {
  try {
    return parse_root(source, YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    return make_error(std::string(kCode),
                      fmt::format("{}:{}: not valid YAML: {}", source, e.mark.line + 1, e.msg),
                      std::string(kRemedy));
  }
}

}  // namespace kiln::hepbench
