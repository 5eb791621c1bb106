#include "server/http_server.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <latch>
#include <mutex>
#include <thread>

#include "log/log.hpp"
#include "server/http_connection.hpp"

namespace kiln::orchestrator {
using namespace server_detail;

namespace {

// The worker threads run the operators' reads (pages of thousands of nodes,
// a delivery's summary) and the rare runner calls other than batches; the
// event-loop threads, the group-commit writer and its syncer carry every
// artifact batch. On a machine short of cores the reads yield to the batches:
// the workers run this much nicer (Linux: a thread's own nice value).
constexpr int kWorkerNice = 5;

// Lowers the priority of each thread of `pool` (`threads` of them): one task
// per thread, each held at a latch until all arrived, so each thread takes one.
void lower_worker_priority(asio::thread_pool& pool, std::size_t threads) {
  auto arrived = std::make_shared<std::latch>(static_cast<std::ptrdiff_t>(threads));
  for (std::size_t i = 0; i < threads; ++i) {
    asio::post(pool, [arrived]() {
      if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kWorkerNice) != 0) {
        log_line(LogLevel::warning, "worker thread priority not lowered",
                 {{"error", std::strerror(errno)}});
      }
      arrived->arrive_and_wait();
    });
  }
}

}  // namespace

struct HttpServer::Impl {
  Impl(ApiService& s, const OrchestratorConfig& c)
      : config(c),
        workers(static_cast<std::size_t>(c.workers)),
        shared{s, workers, c.max_body_bytes},
        acceptor(loop),
        signals(loop, SIGINT, SIGTERM),
        hangup(loop) {
    lower_worker_priority(workers, static_cast<std::size_t>(c.workers));
  }

  void wait_for_hangup() {
    hangup.async_wait([this](beast::error_code ec, int) {
      if (ec) return;  // cancelled: stopping
      asio::post(workers, [this]() {
        std::lock_guard lock(reload_mu);
        try {
          reload();
        } catch (const std::exception& e) {
          log_line(LogLevel::error, "reload failed", {{"error", e.what()}});
        }
      });
      wait_for_hangup();
    });
  }

  void accept() {
    acceptor.async_accept(
        asio::make_strand(loop), [this](beast::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted) return;
          if (!ec) {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (tls) {
              std::make_shared<Connection<TlsStream>>(std::move(socket), shared, &*tls)->start();
            } else {
              std::make_shared<Connection<beast::tcp_stream>>(std::move(socket), shared, nullptr)
                  ->start();
            }
          }
          accept();
        });
  }

  // TLS from tls.cert / tls.key (PEM); plain HTTP when neither is set.
  Status setup_tls() {
    if (config.tls_cert.empty() && config.tls_key.empty()) return ok();
    if (config.tls_cert.empty() || config.tls_key.empty())
      return make_error("KILN-TLS", "TLS needs both tls.cert and tls.key");
    tls.emplace(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code ec;
    tls->use_certificate_chain_file(config.tls_cert, ec);
    if (ec) {
      return make_error("KILN-TLS", fmt::format("tls.cert {}: {}", config.tls_cert, ec.message()),
                        "a PEM certificate (chain) readable by the orchestrator");
    }
    tls->use_private_key_file(config.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      return make_error("KILN-TLS", fmt::format("tls.key {}: {}", config.tls_key, ec.message()),
                        "the PEM private key of tls.cert, readable by the orchestrator");
    }
    return ok();
  }

  OrchestratorConfig config;
  asio::io_context loop;
  asio::thread_pool workers;
  ServerShared shared;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::signal_set hangup;
  std::function<void()> reload;
  std::mutex reload_mu;  // two quick SIGHUPs reload one after the other
};

HttpServer::HttpServer(ApiService& service, const OrchestratorConfig& config)
    : impl_(std::make_unique<Impl>(service, config)) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
  // Batches still in the store's group commit answer into this io_context:
  // wait (bounded) for them before it goes.
  for (int i = 0; i < 1000 && impl_->shared.in_flight.load() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

bool HttpServer::tls() const {
  return impl_->tls.has_value();
}

Expected<unsigned short> HttpServer::bind() {
  if (auto s = impl_->setup_tls(); !s) return s.error();
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

void HttpServer::on_reload(std::function<void()> reload) {
  impl_->reload = std::move(reload);
  beast::error_code ignored;
  impl_->hangup.add(SIGHUP, ignored);
}

void HttpServer::run() {
  impl_->signals.async_wait([this](beast::error_code, int) { stop(); });
  if (impl_->reload) impl_->wait_for_hangup();
  impl_->accept();
  // One event-loop thread per core; handlers never block them on a commit.
  const unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> more;
  for (unsigned i = 1; i < threads; ++i) more.emplace_back([this]() { impl_->loop.run(); });
  impl_->loop.run();
  for (auto& t : more) t.join();
}

void HttpServer::stop() {
  asio::post(impl_->loop, [this]() {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->signals.cancel(ignored);
    impl_->hangup.cancel(ignored);
    impl_->loop.stop();
  });
}

}  // namespace kiln::orchestrator
