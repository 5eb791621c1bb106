// One blocking HTTP/1.1 request over http:// or https:// (Boost.Beast and
// OpenSSL stay inside common/src/http/http_client.cpp, library kiln_http).
// Used by the runner's reporter, kilnctl and the Ironic client.
//
// https:// verifies the server's certificate chain against `ca_file` (PEM;
// empty = the system's trust store) and the URL's host name or IP address
// against the certificate; a failure is an error naming what did not verify.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::string body;
  Headers headers;  // the answer's header fields, names as sent
  // The value of header `name` (case-insensitive), "" when absent.
  [[nodiscard]] std::string header(const std::string& name) const;
};

struct CallOptions {
  std::chrono::milliseconds timeout{30000};  // the whole exchange
  std::string ca_file;                       // https: trust anchors (PEM)
  std::string user_agent = "kiln";
  std::size_t max_body = 64U * 1024U * 1024U;
};

// Transport failures (refused, timed out, TLS not verified) are errors with
// code KILN-HTTP or KILN-TLS; any HTTP status is a reply.
Expected<Reply> call(const std::string& method, const std::string& url, const Headers& headers,
                     const std::string& body, const CallOptions& options);

struct UrlParts {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, "/" at least
};
// "http[s]://host[:port][/path]"; anything else is an error naming the URL.
Expected<UrlParts> split_url(const std::string& url);

}  // namespace kiln::http
