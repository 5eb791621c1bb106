// A request and its answer as the API sees them, independent of the transport
// (server/ carries them over HTTP; the tests call the API directly).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace kiln::orchestrator {

struct ApiRequest {
  std::string method;         // "GET", "POST"
  std::string target;         // "/v1/runs/run-1/artifacts"
  std::string authorization;  // the Authorization header
  std::string body;
  std::string cookie = {};  // the Cookie header: the dashboard's session (ui/session.hpp)
  std::string csrf = {};    // the X-Kiln-CSRF header: a session's POSTs must carry its token
};

struct ApiResponse {
  ApiResponse() = default;
  ApiResponse(int status_code, nlohmann::json json_body)
      : status(status_code), body(std::move(json_body)) {}
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  // A non-JSON answer (the certificate's HTML page): sent as `text` with this
  // Content-Type when content_type is set.
  std::string content_type;
  std::string text;
  // Extra response headers ("Allow" on a 405).
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"error": {"code", "message"}}
ApiResponse api_error(int status, std::string code, std::string message);

}  // namespace kiln::orchestrator
