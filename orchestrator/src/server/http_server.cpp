#include "server/http_server.hpp"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace kiln::orchestrator {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(60);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ApiService& service, asio::thread_pool& workers,
             std::size_t body_limit)
      : stream_(std::move(socket)), service_(service), workers_(workers), body_limit_(body_limit) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(body_limit_);
    parser_->header_limit(16U * 1024U);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return respond(
          api_error(413, "body_too_large",
                    fmt::format("request body exceeds the limit of {} bytes", body_limit_)),
          false);
    }
    if (ec)
      return respond(api_error(400, "malformed", fmt::format("bad HTTP request: {}", ec.message())),
                     false);
    auto request = parser_->release();
    ApiRequest api{std::string(request.method_string()), std::string(request.target()),
                   std::string(request[http::field::authorization]), std::move(request.body())};
    const bool keep_alive = request.keep_alive();
    // The handler (and its store transaction) runs on a worker; the answer
    // comes back to this connection's strand.
    asio::post(workers_, [self = shared_from_this(), api = std::move(api), keep_alive]() {
      ApiResponse response = self->service_.handle(api);
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), keep_alive]() mutable {
                   self->respond(std::move(response), keep_alive);
                 });
    });
  }

  void respond(ApiResponse api, bool keep_alive) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<http::status>(api.status));
    response_.set(http::field::server, "kiln-orchestrator");
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(keep_alive);
    response_.body() =
        api.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  ApiService& service_;
  asio::thread_pool& workers_;
  std::size_t body_limit_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(ApiService& s, const OrchestratorConfig& c)
      : service(s),
        config(c),
        workers(static_cast<std::size_t>(c.workers)),
        acceptor(loop),
        signals(loop, SIGINT, SIGTERM) {}

  void accept() {
    acceptor.async_accept(
        asio::make_strand(loop), [this](beast::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted) return;
          if (!ec)
            std::make_shared<Connection>(std::move(socket), service, workers, config.max_body_bytes)
                ->start();
          accept();
        });
  }

  ApiService& service;
  OrchestratorConfig config;
  asio::io_context loop{1};
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
};

HttpServer::HttpServer(ApiService& service, const OrchestratorConfig& config)
    : impl_(std::make_unique<Impl>(service, config)) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
}

Expected<unsigned short> HttpServer::bind() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->config.listen, ec);
  if (ec)
    return make_error("KILN-LISTEN", fmt::format("bad listen address '{}'", impl_->config.listen));
  tcp::endpoint endpoint(address, impl_->config.port);
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); !ec)
    a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error("KILN-LISTEN", fmt::format("cannot listen on {}:{}: {}", impl_->config.listen,
                                                 impl_->config.port, ec.message()));
  }
  return a.local_endpoint().port();
}

void HttpServer::run() {
  impl_->signals.async_wait([this](beast::error_code, int) { stop(); });
  impl_->accept();
  impl_->loop.run();
}

void HttpServer::stop() {
  asio::post(impl_->loop, [this]() {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->signals.cancel(ignored);
    impl_->loop.stop();
  });
}

}  // namespace kiln::orchestrator
