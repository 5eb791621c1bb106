// One HTTP/1.1 keep-alive connection of the server, over plain TCP or TLS
// (Boost.Beast). Private to server/http_server.cpp: Beast and Asio headers
// stay out of everything else.
//
// The connection lives on its own strand of the server's multi-threaded
// io_context. An artifact batch is parsed and authorized inline and handed to
// the store's group commit, which answers after its COMMIT; any other request
// runs on the worker pool (its store calls block on a commit), where its
// answer is also serialized. Either way the answer is posted back to the
// strand and written there.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <type_traits>

#include "api/api_service.hpp"
#include "server/access_log.hpp"

namespace kiln::orchestrator::server_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kReadTimeout = std::chrono::seconds(60);

// What every connection shares.
struct ServerShared {
  ApiService& service;
  asio::thread_pool& workers;
  std::size_t body_limit;
  std::atomic<long> in_flight{0};  // requests handed to workers or the store, not yet answered
};

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Connection(tcp::socket socket, ServerShared& shared, asio::ssl::context* tls)
      : stream_(make_stream(std::move(socket), tls)), shared_(shared) {}

  void start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();  // not TLS, or a refused certificate
                                self->read();
                              });
    } else {
      read();
    }
  }

 private:
  static Stream make_stream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(shared_.body_limit);
    parser_->header_limit(16U * 1024U);
    beast::get_lowest_layer(stream_).expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof ||
        ec == asio::ssl::error::stream_truncated) {
      return close();
    }
    started_ = std::chrono::steady_clock::now();
    record_ = AccessRecord{};
    record_.method = std::string(parser_->get().method_string());
    record_.path = loggable_path(parser_->get().target());
    if (record_.method.empty()) record_.method = "-";
    ids_from_path(record_.path, record_.run, record_.node);
    if (ec == http::error::body_limit) {
      return respond(
          api_error(413, "body_too_large",
                    fmt::format("request body exceeds the limit of {} bytes", shared_.body_limit)),
          false);
    }
    if (ec)
      return respond(api_error(400, "malformed", fmt::format("bad HTTP request: {}", ec.message())),
                     false);
    auto request = parser_->release();
    ApiRequest api{std::string(request.method_string()), std::string(request.target()),
                   std::string(request[http::field::authorization]), std::move(request.body()),
                   std::string(request[http::field::cookie]), std::string(request["X-Kiln-CSRF"])};
    const bool keep_alive = request.keep_alive();
    ++shared_.in_flight;
    ApiService::Reply reply = [self = this->shared_from_this(), keep_alive](ApiResponse response) {
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), keep_alive]() mutable {
                   self->respond(std::move(response), keep_alive);
                 });
      --self->shared_.in_flight;
    };
    if (ApiService::is_async(api)) {
      shared_.service.handle_async(api, reply);  // after the group commit, or a change (events)
      return;
    }
    // The answer is serialized on the worker too: a page of thousands of nodes
    // (megabytes of JSON) never holds an event-loop thread, which every
    // runner's batches need.
    asio::post(shared_.workers,
               [self = this->shared_from_this(), api = std::move(api), reply = std::move(reply)]() {
                 ApiResponse answer = self->shared_.service.handle(api);
                 serialize_json(answer);
                 reply(std::move(answer));
               });
  }

  // A JSON answer as its text: content_type and text set, so respond() sends
  // it as it is. The run a POST /v1/runs/register names stays in the body.
  static void serialize_json(ApiResponse& api) {
    if (!api.content_type.empty()) return;
    api.text = api.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    api.content_type = "application/json";
    std::optional<nlohmann::json> run;
    if (api.body.is_object()) {
      if (auto it = api.body.find("run_id"); it != api.body.end() && it->is_string()) run = *it;
    }
    api.body = run ? nlohmann::json{{"run_id", *run}} : nlohmann::json::object();
  }

  void respond(ApiResponse api, bool keep_alive) {
    record_.status = api.status;
    if (record_.run.empty() && api.body.is_object()) {  // POST /v1/runs/register names its run
      if (auto it = api.body.find("run_id"); it != api.body.end() && it->is_string())
        record_.run = it->template get<std::string>();
    }
    response_ = {};
    response_.version(11);
    response_.result(static_cast<http::status>(api.status));
    response_.set(http::field::server, "kiln-orchestrator");
    response_.set(http::field::content_type,
                  api.content_type.empty() ? "application/json" : api.content_type);
    for (const auto& [name, value] : api.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    // A text answer (the certificate's HTML page) is sent as is; else the JSON body.
    response_.body() =
        !api.content_type.empty()
            ? std::move(api.text)
            : api.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    response_.prepare_payload();
    record_.bytes = response_.body().size();
    http::async_write(
        stream_, response_,
        [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
          self->record_.duration = std::chrono::steady_clock::now() - self->started_;
          log_access(self->record_);
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  Stream stream_;
  ServerShared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  AccessRecord record_;  // of the request being answered
  std::chrono::steady_clock::time_point started_;
};

}  // namespace kiln::orchestrator::server_detail
