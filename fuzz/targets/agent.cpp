// kiln's Ironic agent (runner/src/agent): what reaches it from the network.
// agent-request: a whole request to the agent API, "METHOD TARGET\n\nBODY"
// with @TOKEN@ standing for the agent token Ironic gave (fuzz/README.md); a
// command runs only when the request carries that token. ironic-lookup:
// Ironic's lookup answer and its error bodies.
#include <nlohmann/json.hpp>

#include "agent/agent_api.hpp"
#include "agent/ironic_ramdisk_client.hpp"
#include "fuzz_check.hpp"
#include "fuzz_target.hpp"

namespace kiln::fuzz {
namespace {

constexpr const char* kToken = "fuzz-agent-token-0123456789abcdef";

// The agent's API with a token set and synchronous commands that count their
// runs; renewed every so often so the command log stays small.
struct AgentRig {
  runner::agent::CommandLog log;
  runner::agent::CommandDispatcher dispatcher{log};
  runner::agent::AgentToken token;
  runner::agent::AgentApi api{log, dispatcher, token, "kiln-fuzz"};
  int ran = 0;
  int inputs = 0;

  AgentRig() {
    token.set(kToken);
    auto counted = [this](const nlohmann::json&) {
      ++ran;
      return runner::agent::CommandOutput::success({{"ok", true}});
    };
    dispatcher.add("clean.get_clean_steps", false, counted);
    dispatcher.add("log.collect_system_logs", false, counted);
    dispatcher.add("standby.sync", false, [this](const nlohmann::json&) {
      ++ran;
      return runner::agent::CommandOutput::failure("sync failed");
    });
  }
};

AgentRig& agent_rig() {
  static std::unique_ptr<AgentRig> rig;
  if (!rig || ++rig->inputs > 2000) rig = std::make_unique<AgentRig>();
  return *rig;
}

std::string substitute(std::string text) {
  for (auto at = text.find("@TOKEN@"); at != std::string::npos; at = text.find("@TOKEN@", at))
    text.replace(at, 7, kToken);
  return text;
}

void agent_request(std::string_view input) {
  auto nl = input.find('\n');
  std::string_view start = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  if (body.starts_with("\n")) body.remove_prefix(1);
  auto space = start.find(' ');
  std::string method(start.substr(0, space));
  std::string target = space == std::string_view::npos ? "/" : std::string(start.substr(space + 1));
  target = substitute(std::move(target));
  auto& rig = agent_rig();
  const int before = rig.ran;
  auto request = runner::agent::parse_target(method, target, substitute(std::string(body)));
  auto response = rig.api.handle(request);
  require(response.status >= 200 && response.status < 600, "an HTTP status");
  require(nlohmann::json::accept(response.body), "the agent answers JSON");
  if (response.status >= 400)
    require(nlohmann::json::parse(response.body).contains("faultstring"),
            "an error names what is wrong (faultstring)");
  auto given = request.query.find("agent_token");
  const bool has_token = given != request.query.end() && given->second == kToken;
  require(has_token || rig.ran == before, "a command ran without the agent token");
}

void ironic_lookup(std::string_view input) {
  const std::string text(input);
  auto reply = runner::agent::parse_lookup_reply(text);
  check(reply);
  if (reply) {
    require(!reply->node_uuid.empty(), "a lookup reply names its node");
    require(reply->heartbeat_timeout_s > 0, "a positive heartbeat timeout");
    require(reply->agent_token.find_first_not_of('*') != std::string::npos ||
                reply->agent_token.empty(),
            "a masked token is no token");
    require(reply->driver_internal_info.is_object(), "driver_internal_info is an object");
  }
  (void)runner::agent::ironic_fault(text);
}

}  // namespace

KILN_FUZZ_TARGET("agent-request", agent_request);
KILN_FUZZ_TARGET("ironic-lookup", ironic_lookup);

}  // namespace kiln::fuzz
