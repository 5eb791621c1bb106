// Typed stage parameters: declared by the stage, written in the profile,
// checked before anything runs.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "kiln/config.hpp"
#include "kiln/expected.hpp"

namespace kiln::runner {

enum class ParamType { kInt, kDouble, kBool, kString, kDuration, kStringList };
std::string_view to_string(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string default_value;  // as it would be written in YAML; lists comma-separated
  std::string description;
};

// Parses "90s", "15m", "2h", "1d", "500ms" or a bare number of seconds.
Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

class StageParams {
 public:
  // Checks every given parameter against the declaration (unknown name, wrong
  // type) and fills in defaults. Errors name the file and line.
  static Expected<StageParams> bind(const std::string& stage_name, const std::vector<ParamSpec>& specs,
                                    const std::map<std::string, ParamValue>& given);

  // Accessors for declared parameters; the value was validated by bind().
  [[nodiscard]] long long get_int(const std::string& name) const;
  [[nodiscard]] double get_double(const std::string& name) const;
  [[nodiscard]] bool get_bool(const std::string& name) const;
  [[nodiscard]] std::string get_string(const std::string& name) const;
  [[nodiscard]] std::chrono::milliseconds get_duration(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> get_list(const std::string& name) const;

  // name -> value as text, for the report and the OCPTV parameters.
  [[nodiscard]] const std::map<std::string, std::string>& as_text() const { return text_; }

 private:
  std::map<std::string, std::string> text_;
  std::map<std::string, std::vector<std::string>> lists_;
};

}  // namespace kiln::runner
