// Agent commands by name ("clean.execute_clean_step": extension.command) and
// the errors IPA gives for the ones it does not know, so Ironic reacts to
// kiln's agent as it does to its own.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "agent/command_log.hpp"

namespace kiln::runner::agent {

// A refusal before anything runs, as an HTTP status and IPA's faultstring
// ("Agent is busy: executing command execute_clean_step").
struct CommandRefusal {
  int status = 400;
  std::string faultstring;
};

class CommandDispatcher {
 public:
  using Handler = std::function<CommandOutput(const nlohmann::json& params)>;

  explicit CommandDispatcher(CommandLog& log) : log_(log) {}
  // `async`: the command runs on its own thread and answers RUNNING at once
  // (execute_clean_step); otherwise it answers with its result.
  void add(const std::string& full_name, bool async, Handler handler);

  // Starts the command; the id of its CommandLog entry, or why not.
  // `params` must be an object (the API checked it).
  std::variant<std::string, CommandRefusal> execute(const std::string& full_name,
                                                    const nlohmann::json& params);

 private:
  struct Command {
    bool async = false;
    Handler handler;
  };
  CommandLog& log_;
  std::mutex dispatch_mu_;  // one command starts at a time
  std::map<std::string, std::map<std::string, Command>> extensions_;
};

}  // namespace kiln::runner::agent
