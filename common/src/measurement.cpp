#include "kiln/measurement.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

namespace kiln {

std::string_view to_string(Comparison c) {
  switch (c) {
    case Comparison::kEqual: return "EQUAL";
    case Comparison::kNotEqual: return "NOT_EQUAL";
    case Comparison::kLessThan: return "LESS_THAN";
    case Comparison::kLessThanOrEqual: return "LESS_THAN_OR_EQUAL";
    case Comparison::kGreaterThan: return "GREATER_THAN";
    case Comparison::kGreaterThanOrEqual: return "GREATER_THAN_OR_EQUAL";
    case Comparison::kRegexMatch: return "REGEX_MATCH";
    case Comparison::kInSet: return "IN_SET";
  }
  return "EQUAL";
}

bool Measurement::passed() const {
  return std::all_of(checks.begin(), checks.end(), [](const LimitCheck& c) { return c.passed; });
}

namespace {

bool judge_number(double v, Comparison op, double t) {
  if (std::isnan(v)) return false;
  switch (op) {
    case Comparison::kEqual: return v == t;
    case Comparison::kNotEqual: return v != t;
    case Comparison::kLessThan: return v < t;
    case Comparison::kLessThanOrEqual: return v <= t;
    case Comparison::kGreaterThan: return v > t;
    case Comparison::kGreaterThanOrEqual: return v >= t;
    default: return false;
  }
}

}  // namespace

bool judge(const MeasuredValue& value, const Limit& limit) {
  if (limit.op == Comparison::kInSet) {
    std::string s = format_value(value);
    return std::find(limit.set.begin(), limit.set.end(), s) != limit.set.end();
  }
  if (limit.op == Comparison::kRegexMatch) {
    const auto* pattern = std::get_if<std::string>(&limit.threshold);
    const auto* text = std::get_if<std::string>(&value);
    if (pattern == nullptr || text == nullptr) return false;
    try {
      return std::regex_search(*text, std::regex(*pattern));
    } catch (const std::regex_error&) {
      return false;  // config validation rejects bad patterns; stay safe here
    }
  }
  if (const auto* v = std::get_if<double>(&value)) {
    const auto* t = std::get_if<double>(&limit.threshold);
    return t != nullptr && judge_number(*v, limit.op, *t);
  }
  if (limit.op != Comparison::kEqual && limit.op != Comparison::kNotEqual) return false;
  bool equal = value == limit.threshold;
  return limit.op == Comparison::kEqual ? equal : !equal;
}

Measurement measure(std::string name, MeasuredValue value, std::string unit,
                    std::string component, const std::vector<Limit>& limits) {
  Measurement m{std::move(name), std::move(value), std::move(unit), std::move(component), {}, false};
  for (const auto& limit : limits) m.checks.push_back({limit, judge(m.value, limit)});
  return m;
}

Measurement measure(std::string name, MeasuredValue value, std::string unit,
                    const catalog::ComponentIdentity& part, const std::vector<Limit>& limits) {
  Measurement m =
      measure(std::move(name), std::move(value), std::move(unit), catalog::label(part), limits);
  m.hardware = part;
  return m;
}

std::string_view to_symbol(Comparison c) {
  switch (c) {
    case Comparison::kEqual:
      return "exactly";
    case Comparison::kNotEqual:
      return "anything but";
    case Comparison::kLessThan:
      return "<";
    case Comparison::kLessThanOrEqual:
      return "<=";
    case Comparison::kGreaterThan:
      return ">";
    case Comparison::kGreaterThanOrEqual:
      return ">=";
    case Comparison::kRegexMatch:
      return "matching";
    case Comparison::kInSet:
      return "one of";
  }
  return "=";
}

std::string describe_requirement(const Limit& limit, std::string_view unit) {
  std::string threshold = limit.op == Comparison::kInSet
                              ? fmt::format("{}", fmt::join(limit.set, ", "))
                              : format_value(limit.threshold);
  return fmt::format("{} {}{}{} ({})", to_symbol(limit.op), threshold, unit.empty() ? "" : " ",
                     unit, limit.name);
}

std::string format_value(const MeasuredValue& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 1e15) {
      return fmt::format("{}", static_cast<long long>(*d));
    }
    if (std::isfinite(*d) && std::fabs(*d) >= 1000.0) return fmt::format("{:.0f}", *d);
    return fmt::format("{:.4g}", *d);
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

void to_json(nlohmann::json& j, const MeasuredValue& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    j = std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json(format_value(v));
  } else if (const auto* b = std::get_if<bool>(&v)) {
    j = *b;
  } else {
    j = std::get<std::string>(v);
  }
}

}  // namespace kiln
