// Keystone's token flow for the Ironic client (ironic.auth type: keystone):
// POST {auth_url}/auth/tokens with a password (user and project scoped by
// name and domain) or an application credential; the token is the answer's
// X-Subject-Token header, its expiry the body's token.expires_at. A token is
// reused until 60 s before it expires (or invalidate(), after Ironic said 401),
// then a new one is requested. Ironic's endpoint: the token's catalog entry of
// type baremetal, interface public (and ironic.auth.region when set).
// Secrets go only into the request body, never into an error or a log.
#pragma once

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "config/orchestrator_config.hpp"
#include "kiln/expected.hpp"

namespace kiln::orchestrator {

// Keystone's ISO 8601 time ("2026-12-03T18:25:20.000000Z") -> a time point.
Expected<std::chrono::system_clock::time_point> parse_keystone_time(const std::string& text);

class KeystoneSession {
 public:
  KeystoneSession(const IronicAuth& auth, std::string ca_file, std::chrono::milliseconds timeout);

  // A valid token, requested from Keystone when there is none or it expires within 60 s.
  Expected<std::string> token();
  // Ironic's public baremetal endpoint from the last token's catalog (a token is requested first).
  Expected<std::string> ironic_endpoint();
  // Forget the token (Ironic refused it): the next token() asks Keystone again.
  void invalidate();

 private:
  Status authenticate();  // with mu_ held
  nlohmann::json request_body() const;

  IronicAuth auth_;
  std::string ca_file_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::string token_;
  std::chrono::system_clock::time_point expires_at_{};
  std::string endpoint_;
};

}  // namespace kiln::orchestrator
