#include "kiln/json_input.hpp"

#include <fmt/format.h>

namespace kiln {
namespace {

// Rejects documents nested deeper than kMaxJsonDepth before nlohmann sees them
// (its recursive parser would otherwise recurse without bound).
bool depth_within_limit(std::string_view text) {
  int depth = 0;
  JsonStringTracker strings;
  for (char c : text) {
    if (strings.inside(c)) continue;
    if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

}  // namespace

Expected<nlohmann::json> parse_json(std::string_view text, std::string_view what,
                                    std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return make_error("KILN-JSON-SIZE", fmt::format("{}: JSON document of {} bytes exceeds the limit of {} bytes",
                                                    what, text.size(), max_bytes));
  }
  if (!depth_within_limit(text)) {
    return make_error("KILN-JSON-DEPTH",
                      fmt::format("{}: JSON nested deeper than {} levels", what, kMaxJsonDepth));
  }
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::string_view head = text.substr(0, 80);
    return make_error("KILN-JSON-SYNTAX",
                      fmt::format("{}: not a valid JSON document ({} bytes, starts with \"{}\")",
                                  what, text.size(), head));
  }
  return doc;
}

std::optional<double> json_number(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<long long> json_integer(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_unsigned()) {  // checked first: is_number_integer() is true for it too
    auto v = it->get<unsigned long long>();
    if (v > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) return std::nullopt;
    return static_cast<long long>(v);
  }
  if (it->is_number_integer()) return it->get<long long>();
  return std::nullopt;
}

std::optional<std::string> json_string(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<bool> json_bool(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

const nlohmann::json* json_path(const nlohmann::json& j,
                                std::initializer_list<std::string_view> keys) {
  const nlohmann::json* cur = &j;
  for (auto key : keys) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

}  // namespace kiln
