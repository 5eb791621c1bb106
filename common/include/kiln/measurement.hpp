// Measurements, the limits they are judged against, and diagnoses.
// Parse, judge and report are three steps: parsers produce numbers, judge()
// checks them against limits from config, the stage decides the diagnosis.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kiln/catalog/component.hpp"

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
// ">=", "<=", "exactly", ...: how messages write a limit ("the tender requires >= 500 MB/s").
std::string_view to_symbol(Comparison c);

// One limit: "value <op> threshold", named after the config key it came from.
struct Limit {
  std::string name;  // e.g. "limits.disk.reallocated_sectors_delta_max"
  Comparison op = Comparison::kLessThanOrEqual;
  MeasuredValue threshold;
  std::vector<std::string> set;  // for kInSet
};

// ">= 500 MB/s (limits.fio.seq_read_min_mbps)": a limit as a technician reads it.
std::string describe_requirement(const Limit& limit, std::string_view unit);

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
  // The exact part measured (serial, model, slot, MAC...): OCPTV hardwareInfo.
  std::optional<catalog::ComponentIdentity> hardware = std::nullopt;

  [[nodiscard]] bool passed() const;
};

enum class DiagnosisType { kPass, kFail, kUnknown };

struct Diagnosis {
  std::string verdict;  // stable code-like word, e.g. "disk-reallocated-sectors"
  DiagnosisType type = DiagnosisType::kUnknown;
  std::string message;  // what a technician can act on
  std::string component;
  std::optional<catalog::ComponentIdentity> hardware =
      std::nullopt;  // the exact part, when one is at fault
};

// Evaluates `value` against `limit`. A value of the wrong kind for the limit
// (a string against a numeric bound) does not pass.
bool judge(const MeasuredValue& value, const Limit& limit);

// Builds a measurement with every limit judged.
Measurement measure(std::string name, MeasuredValue value, std::string unit, std::string component,
                    const std::vector<Limit>& limits);
// The same, of one identified part: its component is catalog::label(part).
Measurement measure(std::string name, MeasuredValue value, std::string unit,
                    const catalog::ComponentIdentity& part, const std::vector<Limit>& limits);

std::string format_value(const MeasuredValue& v);
void to_json(nlohmann::json& j, const MeasuredValue& v);

}  // namespace kiln
