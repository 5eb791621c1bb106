#include "stage/stage_params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kiln::runner {
namespace {

bool parse_int(std::string_view s, long long& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  std::string copy(s);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end != nullptr && *end == '\0' && std::isfinite(out);
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Status check_type(const ParamSpec& spec, const std::string& text) {
  long long i = 0;
  double d = 0;
  switch (spec.type) {
    case ParamType::kInt:
      if (!parse_int(text, i)) return make_error("KILN-CONFIG", "expected a whole number");
      break;
    case ParamType::kDouble:
      if (!parse_double(text, d)) return make_error("KILN-CONFIG", "expected a number");
      break;
    case ParamType::kBool:
      if (text != "true" && text != "false") return make_error("KILN-CONFIG", "expected true or false");
      break;
    case ParamType::kDuration:
      if (auto dur = parse_duration(text); !dur) return dur.error();
      break;
    case ParamType::kString:
    case ParamType::kStringList:
      break;
  }
  return ok();
}

}  // namespace

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::kInt: return "int";
    case ParamType::kDouble: return "number";
    case ParamType::kBool: return "bool";
    case ParamType::kString: return "string";
    case ParamType::kDuration: return "duration";
    case ParamType::kStringList: return "list";
  }
  return "string";
}

Expected<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::string_view number = text;
  double scale = 1000.0;  // seconds by default
  auto ends_with = [&](std::string_view suffix) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      number = text.substr(0, text.size() - suffix.size());
      return true;
    }
    return false;
  };
  if (ends_with("ms")) {
    scale = 1.0;
  } else if (ends_with("s")) {
    scale = 1000.0;
  } else if (ends_with("m")) {
    scale = 60'000.0;
  } else if (ends_with("h")) {
    scale = 3'600'000.0;
  } else if (ends_with("d")) {
    scale = 86'400'000.0;
  }
  double value = 0;
  if (!parse_double(number, value) || value < 0) {
    return make_error("KILN-CONFIG",
                      fmt::format("'{}' is not a duration (use e.g. 500ms, 90s, 15m, 2h, 1d)", text));
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(value * scale)));
}

Expected<StageParams> StageParams::bind(const std::string& stage_name, const std::vector<ParamSpec>& specs,
                                        const std::map<std::string, ParamValue>& given) {
  StageParams params;
  for (const auto& [name, value] : given) {
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      std::vector<std::string> known;
      for (const auto& s : specs) known.push_back(s.name);
      return make_error("KILN-CONFIG",
                        fmt::format("{}: unknown parameter '{}' for stage '{}' (known: {})",
                                    value.where.describe(), name, stage_name,
                                    known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
    }
    if (value.is_list != (spec->type == ParamType::kStringList)) {
      return make_error("KILN-CONFIG", fmt::format("{}: parameter '{}' of stage '{}' must be a {}",
                                                   value.where.describe(), name, stage_name,
                                                   to_string(spec->type)));
    }
    if (value.is_list) {
      params.lists_[name] = value.list;
      params.text_[name] = fmt::format("{}", fmt::join(value.list, ","));
      continue;
    }
    if (auto checked = check_type(*spec, value.text); !checked) {
      return make_error("KILN-CONFIG", fmt::format("{}: parameter '{}' of stage '{}': {}, got '{}'",
                                                   value.where.describe(), name, stage_name,
                                                   checked.error().message, value.text));
    }
    params.text_[name] = value.text;
  }
  for (const auto& spec : specs) {
    if (params.text_.contains(spec.name)) continue;
    params.text_[spec.name] = spec.default_value;
    if (spec.type == ParamType::kStringList) params.lists_[spec.name] = split_list(spec.default_value);
  }
  return params;
}

long long StageParams::get_int(const std::string& name) const {
  long long v = 0;
  auto it = text_.find(name);
  if (it != text_.end()) parse_int(it->second, v);
  return v;
}

double StageParams::get_double(const std::string& name) const {
  double v = 0;
  auto it = text_.find(name);
  if (it != text_.end()) parse_double(it->second, v);
  return v;
}

bool StageParams::get_bool(const std::string& name) const {
  auto it = text_.find(name);
  return it != text_.end() && it->second == "true";
}

std::string StageParams::get_string(const std::string& name) const {
  auto it = text_.find(name);
  return it != text_.end() ? it->second : std::string();
}

std::chrono::milliseconds StageParams::get_duration(const std::string& name) const {
  auto d = parse_duration(get_string(name));
  return d ? *d : std::chrono::milliseconds(0);
}

std::vector<std::string> StageParams::get_list(const std::string& name) const {
  auto it = lists_.find(name);
  return it != lists_.end() ? it->second : std::vector<std::string>{};
}

}  // namespace kiln::runner
