// The Ironic driver tests' fixture: a SQLite store in a fresh temp dir, the
// fake Ironic serving one node, and an OrchestratorConfig pointing at it with
// fast polling. Derived fixtures add the ApiService (with their own config
// changes) and the run(s) the driver starts from.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "api/api_service.hpp"
#include "config/orchestrator_config.hpp"
#include "fake_ironic.hpp"
#include "ironic/burnin_driver.hpp"
#include "store/run_store.hpp"
#include "test_dir.hpp"

namespace kiln::orchestrator {

inline constexpr const char* kTestOperatorToken = "operator-token-0123456789";

// Points `ironic` at `fake`: deploy_interface fake, placeholder kernel and
// ramdisk URLs, 1 ms polls, 20 ms back-off, 5 s requests.
inline void use_fake_ironic(IronicSettings& ironic, const testing::FakeIronic& fake) {
  ironic.url = fake.url();
  ironic.deploy_interface = "fake";
  ironic.kernel_url = "http://img/k";
  ironic.ramdisk_url = "http://img/r";
  ironic.poll_interval = std::chrono::milliseconds(1);
  ironic.max_backoff = std::chrono::milliseconds(20);
  ironic.request_timeout = std::chrono::seconds(5);
}

// A run of `node` the driver has not touched yet (driver_state "start").
inline RunRow unstarted_run(const std::string& id, const std::string& node,
                            const std::string& kind = "burnin") {
  RunRow run;
  run.id = id;
  run.node_uuid = node;
  run.token_hash = "unset";
  run.driver_state = "start";
  run.kind = kind;
  return run;
}

// Base: ::testing::Test or ::testing::TestWithParam<T>.
template <class Base = ::testing::Test>
class DriverTest : public Base {
 protected:
  explicit DriverTest(const char* node) : ironic_(node) {}

  // The store in a fresh PREFIX-... dir; config_ with the operator token and the fake Ironic.
  void open_store(const std::string& prefix) {
    dir_ = fresh_test_dir(prefix);
    auto store = open_run_store(sqlite_url(dir_));
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    config_.operator_token = kTestOperatorToken;
    use_fake_ironic(config_.ironic, ironic_);
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Ticks until `run` reaches driver state `state` (false after ~5 s).
  bool drive_to(BurninDriver& driver, const std::string& run, const std::string& state) {
    for (int i = 0; i < 500; ++i) {
      driver.tick();
      if ((*store_->find_run(run))->driver_state == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::filesystem::path dir_;
  testing::FakeIronic ironic_;
  std::unique_ptr<RunStore> store_;
  OrchestratorConfig config_;
  std::unique_ptr<ApiService> api_;
};

}  // namespace kiln::orchestrator
