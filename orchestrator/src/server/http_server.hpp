// Serves an ApiService over HTTP/1.1, or HTTPS when tls.cert/tls.key are
// configured (Boost.Beast + OpenSSL, kept inside the .cpp). One io_context run
// by a thread per core accepts, reads and writes; artifact batches go to the
// store's group commit and every other request to a pool of `workers` threads,
// so no event-loop thread ever waits for a commit. An answer is sent only
// after its store transaction committed.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/api_service.hpp"
#include "kiln/expected.hpp"

namespace kiln::orchestrator {

class HttpServer {
 public:
  HttpServer(ApiService& service, const OrchestratorConfig& config);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS certificate and key (if configured), binds listen:port
  // (port 0: the kernel picks); returns the bound port.
  Expected<unsigned short> bind();
  // Whether it serves HTTPS (after bind()).
  [[nodiscard]] bool tls() const;
  // SIGHUP runs `reload` on the worker pool (never on the event loop), one at
  // a time; connections and requests in flight are not touched. Without it,
  // SIGHUP is not caught. Set before run().
  void on_reload(std::function<void()> reload);
  // Serves until stop() or SIGINT/SIGTERM.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiln::orchestrator
