// Measurements, the limits they are judged against, and diagnoses.
// Parse, judge and report are three steps: parsers produce numbers, judge()
// checks them against limits from config, the stage decides the diagnosis.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kiln {

using MeasuredValue = std::variant<double, std::string, bool>;

// OCP validator types kiln uses.
enum class Comparison {
  kEqual,
  kNotEqual,
  kLessThan,
  kLessThanOrEqual,
  kGreaterThan,
  kGreaterThanOrEqual,
  kRegexMatch,
  kInSet,
};
std::string_view to_string(Comparison c);

// One limit: "value <op> threshold", named after the config key it came from.
struct Limit {
  std::string name;  // e.g. "limits.disk.reallocated_sectors_delta_max"
  Comparison op = Comparison::kLessThanOrEqual;
  MeasuredValue threshold;
  std::vector<std::string> set;  // for kInSet
};

// A limit and whether the measured value met it.
struct LimitCheck {
  Limit limit;
  bool passed = false;
};

struct Measurement {
  std::string name;
  MeasuredValue value;
  std::string unit;
  std::string component;  // e.g. "disk S3Z9NX0K", "DIMM_A1"; empty for the node
  std::vector<LimitCheck> checks;
  bool key_figure = false;  // shown in the report's summary of the stage

  [[nodiscard]] bool passed() const;
};

enum class DiagnosisType { kPass, kFail, kUnknown };

struct Diagnosis {
  std::string verdict;  // stable code-like word, e.g. "disk-reallocated-sectors"
  DiagnosisType type = DiagnosisType::kUnknown;
  std::string message;  // what a technician can act on
  std::string component;
};

// Evaluates `value` against `limit`. A value of the wrong kind for the limit
// (a string against a numeric bound) does not pass.
bool judge(const MeasuredValue& value, const Limit& limit);

// Builds a measurement with every limit judged.
Measurement measure(std::string name, MeasuredValue value, std::string unit,
                    std::string component, const std::vector<Limit>& limits);

std::string format_value(const MeasuredValue& v);
void to_json(nlohmann::json& j, const MeasuredValue& v);

}  // namespace kiln
