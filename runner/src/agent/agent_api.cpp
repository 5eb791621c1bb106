#include "agent/agent_api.hpp"

#include <fmt/format.h>

#include "kiln/json_input.hpp"

namespace kiln::runner::agent {
namespace {

constexpr std::size_t kMaxCommandBody = 16U * 1024U * 1024U;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "/v1/commands/{id}" against "/v1/commands/abc": true, id = "abc".
bool match(const std::string& pattern, const std::string& path, std::string& id) {
  auto brace = pattern.find("{id}");
  if (brace == std::string::npos) return pattern == path;
  const std::string prefix = pattern.substr(0, brace);
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  std::string rest = path.substr(prefix.size());
  if (rest.find('/') != std::string::npos) return false;
  id = rest;
  return true;
}

// A body as JSON text. What the request brought (a command id from the path)
// may be any bytes: invalid UTF-8 is replaced (U+FFFD), never thrown from.
std::string body_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json link(const std::string& href, const std::string& rel) {
  return {{"href", href}, {"rel", rel}};
}

}  // namespace

HttpResponse fault(int status, const std::string& faultstring) {
  return {status, nlohmann::json{{"faultcode", status >= 500 ? "Server" : "Client"},
                                 {"faultstring", faultstring}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

HttpRequest parse_target(std::string method, const std::string& target, std::string body) {
  HttpRequest r;
  r.method = std::move(method);
  r.body = std::move(body);
  auto q = target.find('?');
  r.path = percent_decode(target.substr(0, q));
  if (q == std::string::npos) return r;
  std::string_view query(target);
  query.remove_prefix(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    if (!key.empty()) r.query.emplace(std::move(key), std::move(value));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return r;
}

void AgentToken::set(std::string token) {
  std::lock_guard lock(mu_);
  token_ = std::move(token);
}

void AgentToken::clear() {
  set("");
}

bool AgentToken::matches(const std::string& candidate) const {
  std::lock_guard lock(mu_);
  if (token_.empty() || candidate.size() != token_.size()) return false;
  unsigned char diff = 0;  // no early exit: the time does not tell how much matched
  for (std::size_t i = 0; i < token_.size(); ++i) {
    diff |= static_cast<unsigned char>(token_[i] ^ candidate[i]);
  }
  return diff == 0;
}

bool AgentToken::known() const {
  std::lock_guard lock(mu_);
  return !token_.empty();
}

AgentApi::AgentApi(CommandLog& log, CommandDispatcher& dispatcher, const AgentToken& token,
                   std::string version)
    : log_(log), dispatcher_(dispatcher), token_(token), version_(std::move(version)) {}

HttpResponse AgentApi::handle(const HttpRequest& request) {
  static const Route kRoutes[] = {
      {"GET", "/", Auth::kNone, &AgentApi::root},
      {"GET", "/v1/", Auth::kNone, &AgentApi::root},
      {"GET", "/v1", Auth::kNone, &AgentApi::root},
      {"GET", "/v1/status", Auth::kNone, &AgentApi::status},
      {"GET", "/status", Auth::kNone, &AgentApi::status},
      {"GET", "/v1/commands/", Auth::kResults, &AgentApi::list_commands},
      {"GET", "/v1/commands", Auth::kResults, &AgentApi::list_commands},
      {"GET", "/commands/", Auth::kResults, &AgentApi::list_commands},
      {"GET", "/v1/commands/{id}", Auth::kResults, &AgentApi::get_command},
      {"GET", "/commands/{id}", Auth::kResults, &AgentApi::get_command},
      {"POST", "/v1/commands/", Auth::kCommand, &AgentApi::run_command},
      {"POST", "/v1/commands", Auth::kCommand, &AgentApi::run_command},
      {"POST", "/commands/", Auth::kCommand, &AgentApi::run_command},
  };
  bool path_known = false;
  for (const auto& route : kRoutes) {
    std::string id;
    if (!match(route.pattern, request.path, id)) continue;
    path_known = true;
    if (route.method != request.method) continue;
    if (!authorised(route.auth, request)) return fault(401, "401 Unauthorized: Token invalid.");
    return (this->*route.handler)(request, id);
  }
  if (path_known)
    return fault(405, "405 Method Not Allowed: The method is not allowed for the requested URL.");
  return fault(404, "404 Not Found: The requested URL was not found on the server.");
}

bool AgentApi::authorised(Auth auth, const HttpRequest& request) {
  if (auth == Auth::kNone) return true;
  auto given = request.query.find("agent_token");
  const std::string token = given == request.query.end() ? "" : given->second;
  if (auth == Auth::kCommand) return token_.matches(token);
  std::lock_guard lock(mu_);
  if (!token.empty()) results_locked_ = true;
  return !results_locked_ || token_.matches(token);
}

HttpResponse AgentApi::root(const HttpRequest&, const std::string&) {
  nlohmann::json v1{{"id", "v1"}, {"links", {link("/v1/", "self")}}};
  return {200, nlohmann::json{{"name", "kiln agent (OpenStack Ironic Python Agent API)"},
                              {"description", "kiln burn-in ramdisk speaking the Ironic agent API"},
                              {"versions", {v1}},
                              {"default_version", v1}}
                   .dump()};
}

HttpResponse AgentApi::status(const HttpRequest&, const std::string&) {
  return {200, body_text({{"started_at", nullptr}, {"version", version_}})};
}

HttpResponse AgentApi::list_commands(const HttpRequest&, const std::string&) {
  return {200, body_text({{"commands", log_.list_json()}})};
}

HttpResponse AgentApi::get_command(const HttpRequest& request, const std::string& id) {
  if (auto wait = request.query.find("wait");
      wait != request.query.end() && (wait->second == "true" || wait->second == "True")) {
    log_.wait(id);
  }
  auto found = log_.get_json(id);
  if (!found) return fault(404, fmt::format("Not found: Command with id {} not found.", id));
  return {200, body_text(*found)};
}

HttpResponse AgentApi::run_command(const HttpRequest& request, const std::string&) {
  auto body = parse_json(request.body, "agent command body", kMaxCommandBody);
  if (!body || !body->is_object() || !json_string(*body, "name") ||
      json_path(*body, {"params"}) == nullptr || !json_path(*body, {"params"})->is_object()) {
    return fault(400, "400 Bad Request: Missing or invalid name or params");
  }
  auto started = dispatcher_.execute(*json_string(*body, "name"), *json_path(*body, {"params"}));
  if (const auto* refusal = std::get_if<CommandRefusal>(&started))
    return fault(refusal->status, refusal->faultstring);
  const auto& id = std::get<std::string>(started);
  if (auto wait = request.query.find("wait");
      wait != request.query.end() && (wait->second == "true" || wait->second == "True")) {
    log_.wait(id);
  }
  auto found = log_.get_json(id);
  return {200, found ? body_text(*found) : "{}"};
}

}  // namespace kiln::runner::agent
