// A small blocking HTTP/1.1 server (Boost.Beast) for the agent API: one
// thread accepts, one thread per connection (the conductor opens a handful),
// bodies bounded, idle connections closed after a minute. Handlers are
// called on connection threads and must not throw. With TLS it serves https
// once it has a certificate (set_certificate; agent_tls.hpp), TLS 1.2 and up.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "agent/agent_api.hpp"
#include "kiln/expected.hpp"

namespace kiln::runner::agent {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds HOST:PORT (port 0: a free one) and starts serving; with `tls`, only
  // TLS connections, and those only after set_certificate.
  static Expected<std::unique_ptr<HttpServer>> start(const std::string& host, int port,
                                                     Handler handler, bool tls = false);
  // The certificate (chain) and key new TLS connections get; replaces the last.
  Status set_certificate(const std::string& cert_pem, const std::string& key_pem);
  [[nodiscard]] int port() const;
  // Stops accepting, closes open connections and waits for their threads.
  void stop();

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// "HOST:PORT" ("[::1]:9999" too); an error names the text.
Expected<std::pair<std::string, int>> parse_listen_address(const std::string& text);

}  // namespace kiln::runner::agent
