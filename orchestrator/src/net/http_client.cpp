#include "net/http_client.hpp"

#include "kiln/http_client.hpp"

namespace kiln::orchestrator {

Expected<HttpReply> http_call(const std::string& method, const std::string& url,
                              const HttpHeaders& headers, const std::string& body,
                              std::chrono::milliseconds timeout, const std::string& ca_file) {
  http::CallOptions options;
  options.timeout = timeout;
  options.ca_file = ca_file;
  options.user_agent = "kiln-orchestrator";
  auto reply = http::call(method, url, headers, body, options);
  if (!reply) return reply.error();
  return HttpReply{reply->status, std::move(reply->body)};
}

}  // namespace kiln::orchestrator
