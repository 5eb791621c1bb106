#include "api/route_table.hpp"

#include <fmt/format.h>

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxPathParameter = 128;

bool parameter_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  return c == '.' || c == '_' || c == '~' || c == ':' || c == '@' || c == '+' || c == '-';
}

// "{run}" -> "run"; empty for a literal segment.
std::string_view parameter_name(std::string_view segment) {
  if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}')
    return segment.substr(1, segment.size() - 2);
  return {};
}

// Whether `segments` fit `pattern`; its parameters into `params`.
bool matches(std::string_view pattern, const std::vector<std::string_view>& segments,
             PathParams& params) {
  auto pattern_segments = path_segments(pattern);
  if (!pattern_segments || pattern_segments->size() != segments.size()) return false;
  PathParams found;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto name = parameter_name((*pattern_segments)[i]);
    if (name.empty()) {
      if ((*pattern_segments)[i] != segments[i]) return false;
    } else {
      found.add(name, std::string(segments[i]));
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

const std::string& PathParams::get(std::string_view name) const {
  static const std::string kNone;
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return kNone;
}

std::optional<std::string> refuse_path_parameter(std::string_view value) {
  if (value.empty() || value.size() > kMaxPathParameter)
    return fmt::format("must be 1 to {} characters long", kMaxPathParameter);
  if (value == "." || value == "..") return std::string("must not be '.' or '..'");
  for (char c : value) {
    if (!parameter_char(c)) return std::string("may hold only letters, digits and . _ ~ : @ + -");
  }
  return std::nullopt;
}

std::optional<std::vector<std::string_view>> path_segments(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string_view> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash == start) return std::nullopt;  // "//" or a trailing '/'
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

RouteMatch match_route(std::span<const Route> table, std::string_view method,
                       std::string_view target) {
  RouteMatch match;
  auto segments = path_segments(target);
  if (!segments) return match;
  for (const auto& route : table) {
    PathParams params;
    if (!matches(route.pattern, *segments, params)) continue;
    if (route.method == method) {
      match.route = &route;
      match.params = std::move(params);
      match.allowed.clear();
      return match;
    }
    match.allowed.push_back(route.method);
  }
  return match;
}

std::optional<std::string_view> query_text(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::optional<std::size_t> query_count(const std::string& target, std::string_view name) {
  const auto v = query_text(target, name);
  if (!v || v->empty() || v->size() > 9) return std::nullopt;
  std::size_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

}  // namespace kiln::orchestrator
