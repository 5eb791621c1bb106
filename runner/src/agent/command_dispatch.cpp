#include "agent/command_dispatch.hpp"

#include <fmt/format.h>

namespace kiln::runner::agent {

void CommandDispatcher::add(const std::string& full_name, bool async, Handler handler) {
  auto dot = full_name.find('.');
  extensions_[full_name.substr(0, dot)][full_name.substr(dot + 1)] =
      Command{async, std::move(handler)};
}

std::variant<std::string, CommandRefusal> CommandDispatcher::execute(const std::string& full_name,
                                                                     const nlohmann::json& params) {
  std::lock_guard lock(dispatch_mu_);
  auto dot = full_name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == full_name.size()) {
    return CommandRefusal{400,
                          "Invalid command: Command name must be of the form <extension>.<name>"};
  }
  if (auto busy = log_.running()) {
    return CommandRefusal{409, fmt::format("Agent is busy: executing command {}", *busy)};
  }
  auto ext = extensions_.find(full_name.substr(0, dot));
  if (ext == extensions_.end()) {
    return CommandRefusal{
        404, fmt::format("Not found: Extension with id {} not found.", full_name.substr(0, dot))};
  }
  const std::string name = full_name.substr(dot + 1);
  auto cmd = ext->second.find(name);
  if (cmd == ext->second.end()) {
    return CommandRefusal{400, fmt::format("Invalid command: Unknown command: {}", name)};
  }
  Handler handler = cmd->second.handler;
  nlohmann::json copy = params;
  return log_.start(
      name, [handler, copy = std::move(copy)] { return handler(copy); }, cmd->second.async);
}

}  // namespace kiln::runner::agent
