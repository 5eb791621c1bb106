// Serves an ApiService over HTTP/1.1 (Boost.Beast, kept inside the .cpp).
// One event-loop thread accepts, reads and writes; every request is handed to
// a pool of worker threads (store writes happen there, committed before the
// response is queued back on the connection's strand), so the loop never
// blocks on the database.
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

  // Binds listen:port (port 0: the kernel picks); returns the bound port.
  Expected<unsigned short> bind();
  // Serves until stop() or SIGINT/SIGTERM.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiln::orchestrator
