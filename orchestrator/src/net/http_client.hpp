// A small blocking HTTP/1.1 client (plain http://host:port) for the Ironic
// driver's thread and kilnctl. Boost.Beast stays inside the .cpp.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::orchestrator {

struct HttpReply {
  int status = 0;
  std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Connection failures and timeouts are errors (code KILN-HTTP); any HTTP
// status is a reply.
Expected<HttpReply> http_call(const std::string& method, const std::string& url,
                              const HttpHeaders& headers, const std::string& body,
                              std::chrono::milliseconds timeout);

}  // namespace kiln::orchestrator
