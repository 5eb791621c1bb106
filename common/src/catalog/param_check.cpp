#include "kiln/catalog/param_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace kiln::catalog {
namespace {

bool parse_int(std::string_view s, long long& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  std::string copy(s);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end != nullptr && *end == '\0' && std::isfinite(out);
}

bool all_of(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return pred(static_cast<unsigned char>(c)) != 0;
  });
}

// A size as fio and iperf3 write it: 10G, 512M, 1.5T, 4096, 64KiB.
bool is_size(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.')) ++i;
  if (i == 0) return false;
  std::string_view unit = s.substr(i);
  for (std::string_view u : {"", "k", "K", "m", "M", "g", "G", "t", "T", "p", "P", "KiB", "MiB",
                             "GiB", "TiB", "KB", "MB", "GB", "TB"}) {
    if (unit == u) return true;
  }
  return false;
}

// One allowed entry: a literal, a form, or a literal prefix before a form.
bool entry_matches(std::string_view entry, std::string_view text) {
  auto lt = entry.find('<');
  if (lt == std::string_view::npos) return entry == text;
  std::string_view prefix = entry.substr(0, lt);
  std::string_view form = entry.substr(lt);
  std::string_view suffix;
  if (auto gt = form.find('>'); gt != std::string_view::npos) {
    suffix = form.substr(gt + 1);
    form = form.substr(0, gt + 1);
  }
  if (!text.starts_with(prefix) || !text.substr(prefix.size()).ends_with(suffix)) return false;
  std::string_view rest = text.substr(prefix.size());
  rest = rest.substr(0, rest.size() - suffix.size());
  if (form == "<int>") return all_of(rest, isdigit);
  if (form == "<hex>") return all_of(rest, isxdigit);
  if (form == "<hexbytes>") {  // whole bytes that tile a 512-byte sector
    return all_of(rest, isxdigit) && rest.size() % 2 == 0 && 512 % (rest.size() / 2) == 0;
  }
  if (form == "<size>") return is_size(rest);
  if (form == "<duration>") return parse_duration(rest).ok() && !rest.empty();
  if (form == "<text>") return !rest.empty();
  return false;
}

std::string allowed_text(std::string_view allowed) {
  return fmt::format("{}", fmt::join(allowed_values(allowed), ", "));
}

std::string range_text(const ParamSpec& spec) {
  auto num = [](double v) { return fmt::format("{}", v); };
  if (spec.min && spec.max) return fmt::format("from {} to {}", num(*spec.min), num(*spec.max));
  if (spec.min) return fmt::format("at least {}", num(*spec.min));
  return fmt::format("at most {}", num(*spec.max));
}

std::string unit_suffix(const ParamSpec& spec) {
  if (spec.type == ParamType::kDuration) return " s";
  return spec.unit.empty() ? "" : " " + spec.unit;
}

}  // namespace

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
    return make_error(
        "KILN-CONFIG",
        fmt::format("'{}' is not a duration (use e.g. 500ms, 90s, 15m, 2h, 1d)", text));
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(value * scale)));
}

bool value_allowed(std::string_view allowed, std::string_view text) {
  if (allowed.empty()) return true;
  for (auto entry : allowed_values(allowed)) {
    if (entry_matches(entry, text)) return true;
  }
  return false;
}

std::string value_problem(const ParamSpec& spec, std::string_view text) {
  std::optional<double> number;
  long long i = 0;
  double d = 0;
  switch (spec.type) {
    case ParamType::kInt:
      if (!parse_int(text, i)) return fmt::format("expected a whole number, got '{}'", text);
      number = static_cast<double>(i);
      break;
    case ParamType::kDouble:
      if (!parse_double(text, d)) return fmt::format("expected a number, got '{}'", text);
      number = d;
      break;
    case ParamType::kBool:
      if (text != "true" && text != "false")
        return fmt::format("expected true or false, got '{}'", text);
      break;
    case ParamType::kDuration: {
      auto dur = parse_duration(text);
      if (!dur) return dur.error().message;
      number = static_cast<double>(dur->count()) / 1000.0;
      break;
    }
    case ParamType::kString:
    case ParamType::kStringList:
      // An empty value means "the stage's own default behaviour" where the
      // declared default is empty.
      if (text.empty() && spec.default_value.empty()) return {};
      if (!value_allowed(spec.allowed, text)) {
        return fmt::format("'{}' is not one of: {}", text, allowed_text(spec.allowed));
      }
      // A count among named choices ("copies: 0") still honours the range.
      if (parse_int(text, i)) number = static_cast<double>(i);
      break;
  }
  if (number && ((spec.min && *number < *spec.min) || (spec.max && *number > *spec.max))) {
    return fmt::format("{} is out of range: {}{}", text, range_text(spec), unit_suffix(spec));
  }
  return {};
}

std::vector<std::string> stage_entry_problems(const StageEntry& entry) {
  std::vector<std::string> problems;
  if (find_stage(entry.stage) == nullptr) {
    std::vector<std::string_view> known;
    for (const auto& s : stages()) known.push_back(s.name);
    problems.push_back(fmt::format("{}: unknown stage '{}' (stages: {})", entry.where.describe(),
                                   entry.stage, fmt::join(known, ", ")));
    return problems;
  }
  return param_problems(entry, stage_params(entry.stage));
}

std::vector<std::string> param_problems(const StageEntry& entry,
                                        const std::vector<ParamSpec>& specs) {
  std::vector<std::string> problems;
  for (const auto& [param_name, value] : entry.params) {
    const auto& name = param_name;  // a structured binding cannot be captured before C++20's P1091 (clang 14)
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&name](const ParamSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      std::vector<std::string> known;
      for (const auto& s : specs) known.push_back(s.name);
      problems.push_back(fmt::format(
          "{}: unknown parameter '{}' for stage '{}' (known: {})", value.where.describe(), name,
          entry.stage, known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
      continue;
    }
    const bool wants_list = spec->type == ParamType::kStringList;
    if (value.is_list != wants_list) {
      problems.push_back(fmt::format("{}: parameter '{}' of stage '{}' must be a {}",
                                     value.where.describe(), name, entry.stage,
                                     to_string(spec->type)));
      continue;
    }
    const std::vector<std::string> items = value.is_list ? value.list : std::vector{value.text};
    for (const auto& item : items) {
      if (auto problem = value_problem(*spec, item); !problem.empty()) {
        problems.push_back(fmt::format("{}: parameter '{}' of stage '{}': {}",
                                       value.where.describe(), name, entry.stage, problem));
      }
    }
  }
  return problems;
}

Status check_profile(const Profile& profile) {
  std::vector<std::string> problems;
  for (const auto& entry : profile.stages) {
    auto more = stage_entry_problems(entry);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  if (problems.empty()) return ok();
  return make_error("KILN-CONFIG", fmt::format("{}", fmt::join(problems, "\n")));
}

}  // namespace kiln::catalog
