#include "kiln/catalog/failure_codes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "catalog/failure_table.hpp"

namespace kiln::catalog {

std::string_view to_string(Severity s) {
  return s == Severity::kFail ? "FAIL" : "ERROR";
}

std::span<const FailureCode> failure_codes() {
  return {tables::kFailureCodes, tables::kFailureCodeCount};
}

const FailureCode* find_failure_code(std::string_view id) {
  for (const auto& c : failure_codes()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<std::string_view> placeholders(const FailureCode& code) {
  std::vector<std::string_view> out;
  std::string_view t = code.message;
  for (auto open = t.find('{'); open != std::string_view::npos; open = t.find('{', open + 1)) {
    auto close = t.find('}', open);
    if (close == std::string_view::npos) break;
    auto name = t.substr(open + 1, close - open - 1);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

Expected<std::string> render_failure(const FailureCode& code, std::span<const FailureArg> args) {
  auto names = placeholders(code);
  for (const auto& a : args) {
    if (std::find(names.begin(), names.end(), a.name) == names.end()) {
      return make_error("KILN-CATALOG",
                        fmt::format("failure code {}: its message has no {{{}}}", code.id, a.name));
    }
  }
  std::string out;
  std::string_view t = code.message;
  std::size_t at = 0;
  for (auto open = t.find('{'); open != std::string_view::npos; open = t.find('{', at)) {
    auto close = t.find('}', open);
    if (close == std::string_view::npos) break;
    auto name = t.substr(open + 1, close - open - 1);
    auto arg =
        std::find_if(args.begin(), args.end(), [&](const FailureArg& a) { return a.name == name; });
    if (arg == args.end()) {
      return make_error("KILN-CATALOG",
                        fmt::format("failure code {}: no value for {{{}}}", code.id, name));
    }
    out.append(t.substr(at, open - at));
    out.append(arg->value);
    at = close + 1;
  }
  out.append(t.substr(at));
  if (!code.remedy.empty()) out += fmt::format(" \u2014 {}", code.remedy);
  return out;
}

std::string failure_line(std::string_view code, std::string_view message) {
  return fmt::format("{}: {}", code, message);
}

std::string count_of(std::uint64_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

}  // namespace kiln::catalog
