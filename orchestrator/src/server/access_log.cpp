#include "server/access_log.hpp"

#include <fmt/format.h>

#include <vector>

namespace kiln::orchestrator {
namespace {

constexpr std::size_t kMaxPath = 256;

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::string loggable_path(std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  if (path.size() > kMaxPath) return std::string(path.substr(0, kMaxPath)) + "...";
  return std::string(path);
}

void ids_from_path(std::string_view path, std::string& run, std::string& node) {
  auto parts = segments(path);
  if (parts.size() < 3 || parts[0] != "v1") return;
  if (parts[1] == "runs" && parts[2] != "register") run = std::string(parts[2]);
  if (parts[1] == "nodes") node = std::string(parts[2]);
}

LogLevel access_level(const AccessRecord& record) {
  if (record.status >= 500) return LogLevel::error;
  if (record.status < 400 && (record.path == "/healthz" || record.path == "/readyz"))
    return LogLevel::debug;
  return LogLevel::info;
}

void log_access(const AccessRecord& r) {
  const LogLevel level = access_level(r);
  if (!log_enabled(level)) return;
  const double ms = std::chrono::duration<double, std::milli>(r.duration).count();
  log_line(level, "request",
           {{"method", r.method},
            {"path", r.path},
            {"status", std::to_string(r.status)},
            {"bytes", std::to_string(r.bytes)},
            {"duration_ms", fmt::format("{:.2f}", ms)},
            {"run", r.run},
            {"node", r.node}});
}

}  // namespace kiln::orchestrator
