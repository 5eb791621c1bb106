// Every limit a delivery can set: its name (the dotted YAML path under
// `limits:`), how a measurement is compared with it, its unit and meaning.
// Limit values live in data (configs/); only their names are constants.
#pragma once

#include <optional>
#include <string>
#include <span>
#include <string_view>

#include "kiln/config.hpp"
#include "kiln/measurement.hpp"

namespace kiln {

struct LimitSpec {
  std::string_view name;
  Comparison op;
  std::string_view unit;
  std::string_view description;
  // What a tender may sensibly write: a count, rate or figure is never
  // negative; percentages and fractions have their ceiling, a figure no
  // hardware reaches is a typo. Checked when the delivery is loaded.
  double min = 0;
  double max = 0;
};

// Why `value` cannot be this limit ("" when it can).
std::string limit_value_problem(const LimitSpec& spec, double value);

std::span<const LimitSpec> limit_catalog();
const LimitSpec* find_limit_spec(std::string_view name);

// The limit `name` as configured for this node, ready to judge a measurement;
// nullopt when the delivery does not set it.
std::optional<Limit> configured_limit(const ResolvedConfig& config, std::string_view name);

}  // namespace kiln
