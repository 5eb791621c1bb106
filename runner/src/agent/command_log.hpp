// The agent's commands, as Ironic sees them through GET /v1/commands/: each
// with an id, its name ("execute_clean_step": the part after the extension),
// a status (RUNNING, SUCCEEDED, FAILED, CLEAN_VERSION_MISMATCH), an error
// object ({type, code, message, details}, Ironic reads details) and a result.
// One command at a time: starting another while the last runs is refused
// ("Agent is busy", HTTP 409), as IPA does.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kiln::runner::agent {

enum class CommandStatus { kRunning, kSucceeded, kFailed, kVersionMismatch };
std::string_view to_string(CommandStatus s);

// What a command's work returns.
struct CommandOutput {
  CommandStatus status = CommandStatus::kSucceeded;
  nlohmann::json result;  // command_result (null allowed)
  std::string error_type = "CommandExecutionError";
  std::string error_message = "Command execution failed";
  std::string details;  // what lands in Ironic's last_error

  static CommandOutput success(nlohmann::json result) {
    CommandOutput out;
    out.result = std::move(result);
    return out;
  }
  static CommandOutput failure(std::string details) {
    CommandOutput out;
    out.status = CommandStatus::kFailed;
    out.details = std::move(details);
    return out;
  }
};

class CommandLog {
 public:
  using Work = std::function<CommandOutput()>;

  CommandLog() = default;
  CommandLog(const CommandLog&) = delete;
  CommandLog& operator=(const CommandLog&) = delete;
  ~CommandLog();  // waits for running commands (their work must honour the agent's stop flag)

  // Called (on the command's thread) when an asynchronous command ends: the
  // agent heartbeats at once so Ironic picks the result up.
  void on_async_end(std::function<void()> callback);

  // The name of the running command, if one runs.
  [[nodiscard]] std::optional<std::string> running() const;
  // Runs `work` now (sync) or on its own thread (async); returns the id.
  // The caller checked running() first under the same dispatch lock.
  std::string start(const std::string& name, Work work, bool async);
  // Blocks until the command ends (GET ...?wait=true).
  void wait(const std::string& id);
  [[nodiscard]] nlohmann::json list_json() const;
  // Drops every command when none runs (true), as a freshly booted agent has
  // none: Ironic takes an agent whose last command is not its step's for one
  // still busy with an out-of-band step, and waits for ever (a deployment
  // after an earlier cleaning or deployment on the same agent).
  bool forget_finished();
  [[nodiscard]] std::optional<nlohmann::json> get_json(const std::string& id) const;

 private:
  struct Entry {
    std::string id;
    std::string name;
    CommandOutput output;
    bool done = false;
  };
  static nlohmann::json entry_json(const Entry& e);
  void finish(std::size_t index, CommandOutput output);

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Entry> entries_;
  std::vector<std::thread> threads_;
  std::function<void()> on_async_end_;
};

}  // namespace kiln::runner::agent
