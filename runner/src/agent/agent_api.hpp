// The agent's HTTP API, the part of IPA's that Ironic's conductor calls
// (ironic/drivers/modules/agent_client.py): POST /v1/commands/ runs a command
// (?wait=true answers when it ends), GET /v1/commands/ lists them, GET
// /v1/commands/{id} shows one, GET /v1/status and / describe the agent.
// The agent token: POST needs it (?agent_token=, else 401 and nothing runs);
// the GETs need it once any GET carried one (Ironic 21.4 lists commands
// without it; newer Ironics send it), as IPA does. Routes are a table.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "agent/command_dispatch.hpp"

namespace kiln::runner::agent {

struct HttpRequest {
  std::string method;
  std::string path;  // without the query
  std::map<std::string, std::string> query;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string body;  // JSON
};

// Splits "/v1/commands/?wait=true&agent_token=x" (percent-decoding values).
HttpRequest parse_target(std::string method, const std::string& target, std::string body);

// The token Ironic gave at lookup; empty until then (every command is refused).
class AgentToken {
 public:
  void set(std::string token);
  void clear();
  [[nodiscard]] bool matches(const std::string& candidate) const;
  [[nodiscard]] bool known() const;

 private:
  mutable std::mutex mu_;
  std::string token_;
};

class AgentApi {
 public:
  AgentApi(CommandLog& log, CommandDispatcher& dispatcher, const AgentToken& token,
           std::string version);
  HttpResponse handle(const HttpRequest& request);

 private:
  enum class Auth { kNone, kResults, kCommand };
  struct Route {
    std::string method;
    std::string pattern;  // "{id}" matches one path segment
    Auth auth;
    HttpResponse (AgentApi::*handler)(const HttpRequest&, const std::string& id);
  };
  bool authorised(Auth auth, const HttpRequest& request);
  HttpResponse root(const HttpRequest&, const std::string&);
  HttpResponse status(const HttpRequest&, const std::string&);
  HttpResponse list_commands(const HttpRequest&, const std::string&);
  HttpResponse get_command(const HttpRequest&, const std::string&);
  HttpResponse run_command(const HttpRequest&, const std::string&);

  CommandLog& log_;
  CommandDispatcher& dispatcher_;
  const AgentToken& token_;
  std::string version_;
  std::mutex mu_;
  bool results_locked_ = false;  // a GET carried a token: every GET needs it now
};

// {"faultcode": "Client"|"Server", "faultstring": ...}, IPA's error body.
HttpResponse fault(int status, const std::string& faultstring);

}  // namespace kiln::runner::agent
