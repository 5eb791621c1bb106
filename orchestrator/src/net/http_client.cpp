#include "net/http_client.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kiln::orchestrator {
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

struct UrlParts {
  std::string host;
  std::string port;
  std::string target;
};

Expected<UrlParts> split_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0)
    return make_error("KILN-HTTP", fmt::format("only http:// URLs: '{}'", url));
  std::string rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  UrlParts parts{authority, "80", slash == std::string::npos ? "/" : rest.substr(slash)};
  if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    parts.host = authority.substr(0, colon);
    parts.port = authority.substr(colon + 1);
  }
  if (parts.host.empty()) return make_error("KILN-HTTP", fmt::format("no host in '{}'", url));
  return parts;
}

}  // namespace

Expected<HttpReply> http_call(const std::string& method, const std::string& url,
                              const HttpHeaders& headers, const std::string& body,
                              std::chrono::milliseconds timeout) {
  auto parts = split_url(url);
  if (!parts) return parts.error();
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(parts->host, parts->port));
    http::request<http::string_body> req{http::string_to_verb(method), parts->target, 11};
    req.set(http::field::host, parts->host);
    req.set(http::field::user_agent, "kiln-orchestrator");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64U * 1024U * 1024U);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    auto res = parser.release();
    return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
  } catch (const boost::system::system_error& e) {
    return make_error("KILN-HTTP", fmt::format("{} {}: {}", method, url, e.code().message()));
  } catch (const std::exception& e) {
    return make_error("KILN-HTTP", fmt::format("{} {}: {}", method, url, e.what()));
  }
}

}  // namespace kiln::orchestrator
