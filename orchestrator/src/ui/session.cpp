#include "ui/session.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <vector>

#include "api/tokens.hpp"

namespace kiln::orchestrator {
namespace {

std::string hmac_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4U];
    out += kHex[mac[i] & 0xFU];
  }
  return out;
}

std::string signed_part(std::string_view role, std::string_view expires, std::string_view nonce) {
  return fmt::format("kiln-session/1|{}|{}|{}", role, expires, nonce);
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = s.find('.', start);
    parts.push_back(s.substr(start, dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::operator_role:
      return "operator";
    case Role::viewer:
      return "viewer";
    case Role::none:
      break;
  }
  return "none";
}

Role token_role(const OrchestratorConfig& config, std::string_view token) {
  const auto hash = token_hash(token);
  if (!config.operator_token.empty() &&
      constant_time_equal(hash, token_hash(config.operator_token)))
    return Role::operator_role;
  for (const auto& viewer : config.viewer_tokens) {
    if (constant_time_equal(hash, token_hash(viewer))) return Role::viewer;
  }
  return Role::none;
}

std::string make_session(const OrchestratorConfig& config, std::string_view token,
                         std::chrono::system_clock::time_point now) {
  const Role role = token_role(config, token);
  if (role == Role::none) return {};
  const auto expires = std::to_string(unix_seconds(now + kSessionLifetime));
  const auto nonce = random_token().substr(0, 32);
  const auto role_text = role_name(role);
  return fmt::format("{}.{}.{}.{}", role_text, expires, nonce,
                     hmac_hex(token, signed_part(role_text, expires, nonce)));
}

std::optional<Session> check_session(const OrchestratorConfig& config,
                                     std::string_view cookie_header,
                                     std::chrono::system_clock::time_point now) {
  const auto value = cookie_value(cookie_header, kSessionCookie);
  if (value.empty() || value.size() > 256) return std::nullopt;
  const auto parts = split_dots(value);
  if (parts.size() != 4) return std::nullopt;
  long long expires = 0;
  const auto& e = parts[1];
  if (std::from_chars(e.data(), e.data() + e.size(), expires).ec != std::errc{} ||
      expires < unix_seconds(now))
    return std::nullopt;
  std::vector<std::string_view> keys;
  Role role = Role::none;
  if (parts[0] == "operator") {
    role = Role::operator_role;
    if (!config.operator_token.empty()) keys.emplace_back(config.operator_token);
  } else if (parts[0] == "viewer") {
    role = Role::viewer;
    for (const auto& t : config.viewer_tokens) keys.emplace_back(t);
  }
  const auto message = signed_part(parts[0], parts[1], parts[2]);
  for (auto key : keys) {
    if (!constant_time_equal(hmac_hex(key, message), parts[3])) continue;
    Session s;
    s.role = role;
    s.csrf = hmac_hex(key, fmt::format("kiln-csrf/1|{}", value));
    s.expires = std::chrono::system_clock::time_point(std::chrono::seconds(expires));
    return s;
  }
  return std::nullopt;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    auto pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

std::string session_set_cookie(const std::string& value, bool tls, std::chrono::seconds max_age) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     value, max_age.count(), tls ? "; Secure" : "");
}

}  // namespace kiln::orchestrator
