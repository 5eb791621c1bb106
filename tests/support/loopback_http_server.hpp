// The HTTP side of the tests' fakes (Ironic for the orchestrator, the
// orchestrator for the runner): a server on 127.0.0.1 with plain POSIX
// sockets, one request per connection, answered on its own thread by a
// handler. The port is bound at construction; until listen() connections are
// refused, as when the real service is down.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <utility>

namespace kiln::test_support {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string head;  // request line and headers
  std::string body;
  // The value of header `name` ("" when absent); `name` as sent, e.g. "Content-Length".
  [[nodiscard]] std::string header(const std::string& name) const {
    auto at = head.find(name + ": ");
    if (at == std::string::npos) return "";
    at += name.size() + 2;
    return head.substr(at, head.find('\r', at) - at);
  }
};

class LoopbackHttpServer {
 public:
  // Returns the status and the (JSON) body of the answer.
  using Handler = std::function<std::pair<int, std::string>(const HttpRequest&)>;

  explicit LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~LoopbackHttpServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  void listen() {
    ::listen(fd_, 16);
    thread_ = std::thread([this]() { serve(); });
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Header lines ("Name: value\r\n") the next answers carry; set by the handler
  // (it runs on the server's thread, before the answer is written).
  std::string extra_head;

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      auto request = read_request(c);
      auto [status, body] = handler_(request);
      std::string reply = "HTTP/1.1 " + std::to_string(status) + (status < 300 ? " OK" : " Error") +
                          "\r\nContent-Type: application/json\r\nConnection: close\r\n" + extra_head +
                          "Content-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
      (void)::write(c, reply.data(), reply.size());
      ::close(c);
    }
  }
  static HttpRequest read_request(int c) {
    std::string raw;
    char buf[65536];
    std::size_t need = std::string::npos;
    for (;;) {
      auto n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      raw.append(buf, static_cast<std::size_t>(n));
      auto head_end = raw.find("\r\n\r\n");
      if (head_end != std::string::npos && need == std::string::npos) {
        auto cl = raw.find("Content-Length: ");
        need = head_end + 4 +
               (cl == std::string::npos ? 0 : std::strtoul(raw.c_str() + cl + 16, nullptr, 10));
      }
      if (need != std::string::npos && raw.size() >= need) break;
    }
    HttpRequest request;
    auto head_end = raw.find("\r\n\r\n");
    request.head = raw.substr(0, head_end);
    if (head_end != std::string::npos) request.body = raw.substr(head_end + 4);
    auto sp1 = raw.find(' ');
    auto sp2 = raw.find(' ', sp1 + 1);
    request.method = raw.substr(0, sp1);
    if (sp1 != std::string::npos) request.path = raw.substr(sp1 + 1, sp2 - sp1 - 1);
    return request;
  }

  Handler handler_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kiln::test_support
