// One keep-alive HTTP/1.1 client connection for the load generator: a request
// goes out, its answer comes back, then the next one (as a runner does). All
// connections share one io_context on one thread; nothing here blocks.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kiln::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Answer {
  beast::error_code error;  // transport failure (refused, reset, timeout)
  int status = 0;
  std::string body;
};

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  using Done = std::function<void(Answer)>;

  LoadConnection(asio::io_context& io, tcp::endpoint endpoint, std::string host)
      : stream_(io), endpoint_(endpoint), host_(std::move(host)) {}

  // Sends one request (connecting first when needed) and calls `done` with the
  // answer. One request at a time per connection.
  void send(http::verb verb, std::string target, std::string authorization, std::string body,
            Done done, const std::string& extra_header = {}, const std::string& extra_value = {}) {
    request_ = {verb, target, 11};
    request_.set(http::field::host, host_);
    request_.set(http::field::content_type, "application/json");
    if (!authorization.empty()) request_.set(http::field::authorization, authorization);
    if (!extra_header.empty()) request_.set(extra_header, extra_value);
    request_.keep_alive(true);
    request_.body() = std::move(body);
    request_.prepare_payload();
    done_ = std::move(done);
    stream_.expires_after(std::chrono::seconds(60));
    if (connected_) return write();
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->finish(ec);
      self->connected_ = true;
      beast::error_code ignored;
      self->stream_.socket().set_option(tcp::no_delay(true), ignored);
      self->write();
    });
  }

 private:
  void write() {
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->finish(ec);
                        self->response_ = {};
                        http::async_read(self->stream_, self->buffer_, self->response_,
                                         [self](beast::error_code rec, std::size_t) {
                                           self->finish(rec);
                                         });
                      });
  }

  void finish(beast::error_code ec) {
    Answer answer;
    answer.error = ec;
    if (!ec) {
      answer.status = static_cast<int>(response_.result_int());
      answer.body = std::move(response_.body());
      if (!response_.keep_alive()) ec = asio::error::eof;
    }
    if (ec) {  // the next request reconnects
      beast::error_code ignored;
      stream_.socket().close(ignored);
      connected_ = false;
      buffer_.clear();
    }
    auto done = std::move(done_);
    done(std::move(answer));
  }

  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  std::string host_;
  bool connected_ = false;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Done done_;
};

}  // namespace kiln::bench
