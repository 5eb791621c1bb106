// The agent's own log: timestamped lines on stderr and in OUT/agent.log
// (which log.collect_system_logs hands to Ironic). Thread-safe.
#pragma once

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

namespace kiln::runner::agent {

class AgentLog {
 public:
  explicit AgentLog(const std::filesystem::path& file);
  void line(const std::string& text);

 private:
  std::mutex mu_;
  std::ofstream file_;
};

}  // namespace kiln::runner::agent
