// The one entry point for JSON that comes from outside kiln (a tool's output,
// the network). Bounded in size and depth, never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kiln/expected.hpp"

namespace kiln {

inline constexpr std::size_t kDefaultJsonLimit = 64U * 1024U * 1024U;
inline constexpr int kMaxJsonDepth = 64;

// For scanners that look at JSON text's structure without parsing it (depth
// checks, finding the end of an object): tells whether each character, fed in
// order, belongs to a string literal (its quotes included).
class JsonStringTracker {
 public:
  bool inside(char c) {
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      return true;
    }
    if (c == '"') in_string_ = true;
    return in_string_;
  }

 private:
  bool in_string_ = false;
  bool escaped_ = false;
};

// Parses `text` as a single JSON document. `what` names the source for the
// error message ("smartctl -j -a /dev/sda stdout").
Expected<nlohmann::json> parse_json(std::string_view text, std::string_view what,
                                    std::size_t max_bytes = kDefaultJsonLimit);

// Non-throwing typed lookups into untrusted JSON. A missing key or a value of
// another type yields nullopt.
std::optional<double> json_number(const nlohmann::json& j, std::string_view key);
std::optional<long long> json_integer(const nlohmann::json& j, std::string_view key);
std::optional<std::string> json_string(const nlohmann::json& j, std::string_view key);
std::optional<bool> json_bool(const nlohmann::json& j, std::string_view key);
// Follows a path of object keys ("smart_status", "passed"); nullptr when absent.
const nlohmann::json* json_path(const nlohmann::json& j,
                                std::initializer_list<std::string_view> keys);

}  // namespace kiln
