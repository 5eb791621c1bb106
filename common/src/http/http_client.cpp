#include "kiln/http_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace kiln::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One request/answer exchange, driven by asynchronous operations so that the
// whole of it (resolve, connect, handshake, write, read) is bounded in time.
struct Exchange {
  asio::io_context io;
  std::optional<asio::ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  tcp::resolver resolver{io};
  bhttp::request<bhttp::string_body> request;
  bhttp::response_parser<bhttp::string_body> parser;
  beast::flat_buffer buffer;
  beast::error_code error;
  const char* failed_step = "";
  bool done = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  void fail(beast::error_code ec, const char* step) {
    error = ec;
    failed_step = step;
    done = true;
  }

  void start(const UrlParts& url) {
    resolver.async_resolve(url.host, url.port,
                           [this](beast::error_code ec, const tcp::resolver::results_type& found) {
                             if (ec) return fail(ec, "resolve");
                             lowest().async_connect(
                                 found, [this](beast::error_code cec, const tcp::endpoint&) {
                                   if (cec) return fail(cec, "connect");
                                   if (tls) return handshake();
                                   write();
                                 });
                           });
  }
  void handshake() {
    tls->async_handshake(asio::ssl::stream_base::client, [this](beast::error_code ec) {
      if (ec) return fail(ec, "TLS handshake");
      write();
    });
  }
  template <class Stream>
  void write_on(Stream& stream) {
    bhttp::async_write(stream, request, [this, &stream](beast::error_code ec, std::size_t) {
      if (ec) return fail(ec, "send");
      bhttp::async_read(stream, buffer, parser, [this](beast::error_code rec, std::size_t) {
        if (rec) return fail(rec, "receive");
        done = true;
      });
    });
  }
  void write() {
    if (tls) return write_on(*tls);
    write_on(*plain);
  }
};

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// The TLS context: chain verified against the CA file (or the system store),
// the peer's name or IP checked by OpenSSL during the handshake.
Status setup_tls(Exchange& x, const UrlParts& url, const CallOptions& options) {
  x.tls_context.emplace(asio::ssl::context::tls_client);
  auto& ctx = *x.tls_context;
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return make_error("KILN-TLS",
                      fmt::format("cannot load the CA file '{}': {}", options.ca_file, ec.message()),
                      "give a readable PEM certificate (--ca / kiln.ca)");
  }
  x.tls.emplace(x.io, ctx);
  SSL* ssl = x.tls->native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const bool ip = is_ip_address(url.host);
  const int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str())
                     : X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
  if (set != 1) return make_error("KILN-TLS", fmt::format("cannot check the name '{}'", url.host));
  if (!ip) SSL_set_tlsext_host_name(ssl, url.host.c_str());  // SNI
  return ok();
}

std::string tls_failure(Exchange& x, const UrlParts& url, const CallOptions& options) {
  const long result = x.tls ? SSL_get_verify_result(x.tls->native_handle()) : X509_V_OK;
  const std::string trust =
      options.ca_file.empty() ? "the system trust store" : "CA file " + options.ca_file;
  if (result != X509_V_OK) {
    return fmt::format("the TLS certificate of {}:{} did not verify against {}: {}", url.host,
                       url.port, trust, X509_verify_cert_error_string(result));
  }
  return fmt::format("TLS handshake with {}:{} failed: {}", url.host, url.port,
                     x.error.message());
}

}  // namespace

Expected<UrlParts> split_url(const std::string& url) {
  UrlParts parts;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
    parts.tls = true;
  } else {
    return make_error("KILN-HTTP", fmt::format("'{}' is not an http:// or https:// URL", url));
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  parts.target = slash == std::string::npos ? "/" : rest.substr(slash);
  parts.port = parts.tls ? "443" : "80";
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string::npos) return make_error("KILN-HTTP", fmt::format("bad host in '{}'", url));
    parts.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      parts.port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    parts.host = authority.substr(0, colon);
    parts.port = authority.substr(colon + 1);
  } else {
    parts.host = authority;
  }
  if (parts.host.empty() || parts.port.empty())
    return make_error("KILN-HTTP", fmt::format("no host or port in '{}'", url));
  return parts;
}

std::string Reply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return "";
}

Expected<Reply> call(const std::string& method, const std::string& url, const Headers& headers,
                     const std::string& body, const CallOptions& options) {
  auto parts = split_url(url);
  if (!parts) return parts.error();
  try {
    Exchange x;
    if (parts->tls) {
      if (auto s = setup_tls(x, *parts, options); !s) return s.error();
    } else {
      x.plain.emplace(x.io);
    }
    auto& req = x.request;
    req = {bhttp::string_to_verb(method), parts->target, 11};
    req.set(bhttp::field::host, parts->host);
    req.set(bhttp::field::user_agent, options.user_agent);
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.body() = body;
      req.prepare_payload();
    }
    x.parser.body_limit(options.max_body);
    x.start(*parts);
    x.io.run_for(options.timeout);
    if (!x.done) {
      return make_error("KILN-HTTP", fmt::format("{} {}: no answer within {} ms", method, url,
                                                 options.timeout.count()));
    }
    if (x.error) {
      if (std::string_view(x.failed_step) == "TLS handshake")
        return make_error("KILN-TLS", fmt::format("{} {}: {}", method, url, tls_failure(x, *parts, options)),
                          "check the CA file (--ca / kiln.ca) and that the certificate names this host");
      return make_error("KILN-HTTP", fmt::format("{} {}: {}: {}", method, url, x.failed_step,
                                                 x.error.message()));
    }
    beast::error_code ignored;
    x.lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    auto res = x.parser.release();
    Reply reply{static_cast<int>(res.result_int()), std::move(res.body()), {}};
    for (const auto& field : res) {
      reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return reply;
  } catch (const std::exception& e) {
    return make_error("KILN-HTTP", fmt::format("{} {}: {}", method, url, e.what()));
  }
}

}  // namespace kiln::http
