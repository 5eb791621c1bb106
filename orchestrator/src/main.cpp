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
#include "kiln/version.hpp"
#include "liveness/runner_timeout.hpp"
#include "server/http_server.hpp"

int main(int argc, char** argv) {
  using namespace kiln::orchestrator;
  CLI::App app{"kiln-orchestrator: burn-in API, run store and Ironic driver"};
  app.set_version_flag("--version", std::string(kiln::kiln_version()));
  std::string config_path = "/etc/kiln/orchestrator.yaml";
  std::string port_file;
  std::optional<unsigned short> port;
  app.add_option("--config", config_path, "orchestrator configuration (YAML)")
      ->capture_default_str();
  app.add_option("--port", port, "override the configured port (0: the kernel picks)");
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
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
    auto store = open_run_store(config->store);
    if (!store) {
      fmt::print(stderr, "kiln-orchestrator: error: {}\n", store.error().message);
      return 2;
    }
    ApiService service(**store, *config);
    if (!config->certificate_key.empty()) {  // created (0600) at the first start
      auto key = kiln::signature::load_or_create_key(config->certificate_key, true);
      if (!key) {
        fmt::print(stderr, "kiln-orchestrator: error: certificate_key: {}\n", key.error().message);
        return 2;
      }
      service.set_signing_key(*key);
      fmt::print("kiln-orchestrator: certificates signed with Ed25519 key {} ({})\n",
                 kiln::signature::key_id(key->public_key), config->certificate_key);
    }
    HttpServer server(service, *config);
    auto bound = server.bind();
    if (!bound) {
      fmt::print(stderr, "kiln-orchestrator: error: {}\n", bound.error().message);
      return 2;
    }
    // With port 0 the public URL is known only now.
    if (config->public_url.empty())
      service.set_public_url(
          fmt::format("{}://{}:{}", server.tls() ? "https" : "http", config->listen, *bound));
    fmt::print("kiln-orchestrator {} listening on {}://{}:{} (store: {}, Ironic: {})\n",
               kiln::kiln_version(), server.tls() ? "https" : "http", config->listen, *bound, (*store)->backend(),
               config->ironic.url.empty() ? "none" : config->ironic.url);
    std::fflush(stdout);
    BurninDriver driver(**store, service, config->ironic);
    driver.set_outlier_settings(config->outliers);
    if (!config->ironic.url.empty()) driver.start();
    // Dead runners end ERROR; swept once now so a restart forgets none.
    RunnerWatchdog watchdog(**store, config->runner_timeout, !config->ironic.url.empty());
    watchdog.start();
    if (!port_file.empty()) {  // written whole, then renamed: a reader never sees half of it
      std::ofstream(port_file + ".tmp") << *bound << '\n';
      std::filesystem::rename(port_file + ".tmp", port_file);
    }
    server.run();
    watchdog.stop();
    driver.stop();
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "kiln-orchestrator: internal error: {}\n", e.what());
    return 2;
  }
}
