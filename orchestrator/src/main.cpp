// kiln-orchestrator: the HTTP API runners and operators talk to, the run
// store, and the Ironic driver that moves nodes through burn-in.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "api/api_service.hpp"
#include "config/orchestrator_config.hpp"
#include "ironic/burnin_driver.hpp"
#include "ironic/ironic_client.hpp"
#include "kiln/config.hpp"
#include "kiln/version.hpp"
#include "liveness/runner_timeout.hpp"
#include "log/log.hpp"
#include "server/http_server.hpp"
#include "server/systemd_notify.hpp"
#include "store/leader_lock.hpp"

int main(int argc, char** argv) {
  using namespace kiln::orchestrator;
  CLI::App app{"kiln-orchestrator: burn-in API, run store and Ironic driver"};
  app.set_version_flag("--version", std::string(kiln::kiln_version()));
  std::string config_path = "/etc/kiln/orchestrator.yaml";
  std::string port_file;
  std::optional<unsigned short> port;
  std::string log_level;
  app.add_option("--config", config_path, "orchestrator configuration (YAML)")
      ->capture_default_str();
  app.add_option("--port", port, "override the configured port (0: the kernel picks)");
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
  app.add_option("--log-level", log_level, "debug, info, warning or error (overrides log_level)")
      ->check(CLI::IsMember({"debug", "info", "warning", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    auto config = load_orchestrator_config(config_path);
    if (!config) {
      fmt::print(stderr, "kiln-orchestrator: error: {}\n", config.error().message);
      return 2;
    }
    if (port) config->port = *port;
    // The profiles and deliveries it serves, checked against the catalog like
    // `kiln-runner plan` does: a bad parameter stops the start, with its file:line.
    // (A config_dir not there yet serves no node configs, as before.)
    if (!config->config_dir.empty() && std::filesystem::is_directory(config->config_dir)) {
      if (auto configs = kiln::load_config_dir(config->config_dir); !configs) {
        fmt::print(stderr, "kiln-orchestrator: error: config_dir {}: {}\n", config->config_dir,
                   configs.error().message);
        return 2;
      }
    }
    set_log_level(*parse_log_level(log_level.empty() ? config->log_level : log_level));
    auto store = open_run_store(config->store);
    if (!store) {
      log_line(LogLevel::error, "cannot open the store", {{"error", store.error().message}});
      return 2;
    }
    ApiService service(**store, *config);
    // Every write, whoever makes it (API, Ironic driver, watchdog), goes through the service's
    // store and so feeds the dashboard's long poll (GET /v1/events).
    RunStore& live_store = service.store();
    // Delivery views are kept between changes where nothing else writes the store; replicas on
    // PostgreSQL write behind this process's back (docs/dashboard.md).
    if ((*store)->backend() == "sqlite") service.enable_read_cache();
    if (!config->certificate_key.empty()) {  // created (0600) at the first start
      auto key = kiln::signature::load_or_create_key(config->certificate_key, true);
      if (!key) {
        log_line(LogLevel::error, "cannot load certificate_key",
                 {{"path", config->certificate_key}, {"error", key.error().message}});
        return 2;
      }
      service.set_signing_key(*key);
      log_line(LogLevel::info,
               fmt::format("certificates signed with Ed25519 key {}",
                           kiln::signature::key_id(key->public_key)),
               {{"path", config->certificate_key}});
    }
    HttpServer server(service, *config);
    server.on_reload([&service]() {  // SIGHUP: systemctl reload kiln-orchestrator
      (void)notify_service_manager("RELOADING=1");
      (void)service.reload_configs();
      (void)notify_service_manager("READY=1");
    });
    auto bound = server.bind();
    if (!bound) {
      log_line(LogLevel::error, "cannot listen", {{"error", bound.error().message}});
      return 2;
    }
    // With port 0 the public URL is known only now.
    if (config->public_url.empty())
      service.set_public_url(
          fmt::format("{}://{}:{}", server.tls() ? "https" : "http", config->listen, *bound));
    log_line(LogLevel::info,
             fmt::format("listening on {}://{}:{}", server.tls() ? "https" : "http", config->listen,
                         *bound),
             {{"version", std::string(kiln::kiln_version())},
              {"store", std::string((*store)->backend())},
              {"ironic", !config->ironic.enabled()    ? "none"
                         : config->ironic.url.empty() ? "keystone catalog"
                                                      : config->ironic.url},
              {"ironic_method", config->ironic.method},
              {"ironic_auth", config->ironic.auth.type}});
    if (config->ironic.enabled()) {  // Ironic may be down now: the driver retries, this says why
      if (auto answered = IronicClient(config->ironic, std::chrono::seconds(5)).reachable();
          !answered) {
        log_line(LogLevel::error, "Ironic does not answer as configured",
                 {{"ironic", config->ironic.url}, {"error", answered.error().message}});
      }
    }
    // Replicas on one PostgreSQL: the Ironic driver and the runner sweep run
    // on the one replica holding the leader lock (SQLite: this one).
    LeaderLock leader(config->store);
    leader.start();
    auto leads = [&leader]() { return leader.is_leader(); };
    BurninDriver driver(live_store, service.endpoint(), config->ironic);
    driver.set_outlier_settings(config->outliers);
    driver.set_leader_check(leads);
    if (config->ironic.enabled()) driver.start();
    // Dead runners end ERROR; swept once now so a restart forgets none.
    RunnerWatchdog watchdog(live_store, config->runner_timeout, config->ironic.enabled());
    watchdog.set_leader_check(leads);
    watchdog.start();
    if (!port_file.empty()) {  // written whole, then renamed: a reader never sees half of it
      std::ofstream(port_file + ".tmp") << *bound << '\n';
      std::filesystem::rename(port_file + ".tmp", port_file);
    }
    if (auto notified = notify_service_manager("READY=1\nSTATUS=serving"); !notified)
      log_line(LogLevel::warning, "systemd readiness", {{"error", notified.error().message}});
    server.run();
    service.close_events();  // answers the pages still waiting, so the server's drain does not wait
                             // on them
    (void)notify_service_manager("STOPPING=1");
    log_line(LogLevel::info, "stopping");
    watchdog.stop();
    driver.stop();
    leader.stop();
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "kiln-orchestrator: internal error: {}\n", e.what());
    return 2;
  }
}
