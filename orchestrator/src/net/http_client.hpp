// A small blocking HTTP/1.1 client (http:// or https://) for the Ironic
// driver's thread and kilnctl: kiln::http::call (common, library kiln_http)
// under the names the orchestrator uses.
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

// Connection failures and timeouts are errors (code KILN-HTTP; KILN-TLS when
// an https:// server's certificate does not verify against `ca_file`, or the
// system trust store when it is empty); any HTTP status is a reply.
Expected<HttpReply> http_call(const std::string& method, const std::string& url,
                              const HttpHeaders& headers, const std::string& body,
                              std::chrono::milliseconds timeout, const std::string& ca_file = {});

}  // namespace kiln::orchestrator
