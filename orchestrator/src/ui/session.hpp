// Who a request is, for the API and the dashboard: the operator, a viewer
// (`viewer_tokens`: reads, never acts) or nobody; by a bearer token or by the
// dashboard's session cookie.
//
// The cookie (kiln_session) is stateless, so sessions survive an
// orchestrator restart: "<role>.<expires>.<nonce>.<mac>", the MAC an
// HMAC-SHA256 keyed with the token that logged in. Changing or removing that
// token ends its sessions. Each session has a CSRF token (an HMAC of the
// cookie) that the dashboard sends as X-Kiln-CSRF with every POST.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {

enum class Role { none, viewer, operator_role };

std::string_view role_name(Role role);

// The role a token gives: the operator token, a viewer token, or none.
Role token_role(const OrchestratorConfig& config, std::string_view token);

inline constexpr std::string_view kSessionCookie = "kiln_session";
inline constexpr std::chrono::hours kSessionLifetime{12};

struct Session {
  Role role = Role::none;
  std::string csrf;  // what X-Kiln-CSRF must say on a POST of this session
  std::chrono::system_clock::time_point expires;
};

// A fresh session's cookie value for `token` (operator or viewer).
std::string make_session(const OrchestratorConfig& config, std::string_view token,
                         std::chrono::system_clock::time_point now);

// The session of a Cookie header (nullopt: none, expired, forged, or its token is gone).
std::optional<Session> check_session(const OrchestratorConfig& config,
                                     std::string_view cookie_header,
                                     std::chrono::system_clock::time_point now);

// "name=value" of a Cookie header ("a=1; kiln_session=x"); empty when absent.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

// The Set-Cookie header value: HttpOnly, SameSite=Strict, Path=/, Secure over TLS.
std::string session_set_cookie(const std::string& value, bool tls,
                               std::chrono::seconds max_age = kSessionLifetime);

}  // namespace kiln::orchestrator
