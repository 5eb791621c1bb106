#include "agent/agent_log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace kiln::runner::agent {

AgentLog::AgentLog(const std::filesystem::path& file) : file_(file, std::ios::app) {}

void AgentLog::line(const std::string& text) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string out = fmt::format("{:%Y-%m-%dT%H:%M:%S}Z kiln-agent: {}\n", now, text);
  std::lock_guard lock(mu_);
  std::fputs(out.c_str(), stderr);
  file_ << out << std::flush;
}

}  // namespace kiln::runner::agent
