#include "agent/http_server.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <set>

namespace kiln::runner::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
// Asio opens sockets without close-on-exec: every tool a step starts would
// hold the agent's port (a restarted agent: "Address already in use" for as
// long as a stress-ng of the dead one runs) and its connections.
void close_on_exec(int fd) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

constexpr std::size_t kMaxBody = 16U * 1024U * 1024U;
constexpr int kIdleSeconds = 60;
}  // namespace

struct HttpServer::State {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  Handler handler;
  std::thread accept_thread;
  std::mutex mu;
  std::condition_variable idle;
  std::set<int> open_fds;
  int connections = 0;
  std::atomic<bool> stopping{false};
  int port = 0;
  bool tls = false;
  std::mutex tls_mu;
  std::shared_ptr<asio::ssl::context> tls_context;  // null until set_certificate
};

namespace {

// One connection's requests, over the plain socket or its TLS stream.
template <typename Stream>
void serve_requests(const std::shared_ptr<HttpServer::State>& state, Stream& stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::body_limit) {
      http::response<http::string_body> res{http::status::payload_too_large, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = fault(413, "413 Request Entity Too Large").body;
      res.prepare_payload();
      http::write(stream, res, ec);
      break;
    }
    if (ec) break;
    auto& req = parser.get();
    HttpResponse reply;
    try {
      reply = state->handler(
          parse_target(std::string(req.method_string()), std::string(req.target()), req.body()));
    } catch (const std::exception& e) {
      reply = fault(500, std::string("kiln agent internal error: ") + e.what());
    }
    http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::server, "kiln-agent");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(reply.body);
    res.prepare_payload();
    http::write(stream, res, ec);
    if (ec || !res.keep_alive() || state->stopping.load()) break;
  }
}

void serve_connection(const std::shared_ptr<HttpServer::State>& state, tcp::socket& socket) {
  timeval tv{kIdleSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  beast::error_code ignored;
  if (!state->tls) {
    serve_requests(state, socket);
  } else {
    std::shared_ptr<asio::ssl::context> context;
    {
      std::lock_guard lock(state->tls_mu);
      context = state->tls_context;
    }
    // No certificate yet (before the first lookup): nobody was told this URL.
    if (context) {
      asio::ssl::stream<tcp::socket&> stream(socket, *context);
      beast::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) {
        serve_requests(state, stream);
        stream.shutdown(ignored);
      }
    }
  }
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

Expected<std::pair<std::string, int>> parse_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return make_error("KILN-CLI", fmt::format("--listen '{}': expected HOST:PORT", text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return make_error("KILN-CLI",
                      fmt::format("--listen '{}': port '{}' is not a number", text, port_text));
  }
  int port = std::stoi(port_text);
  if (port > 65535)
    return make_error("KILN-CLI", fmt::format("--listen '{}': port above 65535", text));
  return std::pair{host, port};
}

Expected<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& host, int port,
                                                        Handler handler, bool tls) {
  auto state = std::make_shared<State>();
  state->handler = std::move(handler);
  state->tls = tls;
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec)
    return make_error("KILN-AGENT-LISTEN",
                      fmt::format("listen address '{}' is not an IP address", host));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) close_on_exec(state->acceptor.native_handle());
  if (!ec) state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("KILN-AGENT-LISTEN",
                      fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()),
                      "pick a free port with --listen HOST:PORT");
  }
  state->port = state->acceptor.local_endpoint().port();
  state->accept_thread = std::thread([state] {
    while (!state->stopping.load()) {
      beast::error_code accept_ec;
      tcp::socket socket(state->ioc);
      state->acceptor.accept(socket, accept_ec);
      if (accept_ec) {
        if (state->stopping.load()) break;
        continue;
      }
      int fd = socket.native_handle();
      close_on_exec(fd);
      {
        std::lock_guard lock(state->mu);
        state->open_fds.insert(fd);
        ++state->connections;
      }
      std::thread([state, fd, socket = std::move(socket)]() mutable {
        serve_connection(state, socket);
        beast::error_code close_ec;
        std::lock_guard lock(state->mu);
        socket.close(close_ec);
        state->open_fds.erase(fd);
        --state->connections;
        state->idle.notify_all();
      }).detach();
    }
  });
  return std::unique_ptr<HttpServer>(new HttpServer(state));
}

Status HttpServer::set_certificate(const std::string& cert_pem, const std::string& key_pem) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context->use_certificate_chain(asio::buffer(cert_pem), ec);
  if (!ec) context->use_private_key(asio::buffer(key_pem), asio::ssl::context::pem, ec);
  if (ec) {
    return make_error(
        "KILN-AGENT-TLS",
        fmt::format("the agent's TLS certificate or key was refused: {}", ec.message()));
  }
  std::lock_guard lock(state_->tls_mu);
  state_->tls_context = std::move(context);
  return ok();
}

int HttpServer::port() const {
  return state_->port;
}

void HttpServer::stop() {
  if (state_->stopping.exchange(true)) return;
  ::shutdown(state_->acceptor.native_handle(), SHUT_RDWR);
  beast::error_code ec;
  state_->acceptor.close(ec);
  if (state_->accept_thread.joinable()) state_->accept_thread.join();
  std::unique_lock lock(state_->mu);
  for (int fd : state_->open_fds) ::shutdown(fd, SHUT_RDWR);
  state_->idle.wait_for(lock, std::chrono::seconds(10),
                        [this] { return state_->connections == 0; });
}

HttpServer::~HttpServer() {
  stop();
}

}  // namespace kiln::runner::agent
