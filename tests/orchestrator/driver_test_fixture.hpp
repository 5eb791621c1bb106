// The Ironic driver tests' fixture: a SQLite store in a fresh temp dir, the
// fake Ironic serving one node, and an OrchestratorConfig pointing at it with
// fast polling. Derived fixtures add the ApiService (with their own config
// changes) and the run(s) the driver starts from.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "api/api_service.hpp"
#include "config/orchestrator_config.hpp"
#include "fake_ironic.hpp"
#include "ironic/burnin_driver.hpp"
#include "sqlite_store_test.hpp"
#include "store/run_store.hpp"

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

// Base: ::testing::Test or ::testing::TestWithParam<T>. SetUp opens the store
// (open_store) and makes api_ from config_ where the test needs one.
template <class Base = ::testing::Test>
class DriverTest : public SqliteStoreTest<Base> {
 protected:
  // config_: the operator token and the fake Ironic serving `node`.
  explicit DriverTest(const char* node) : ironic_(node) {
    config_.operator_token = kTestOperatorToken;
    use_fake_ironic(config_.ironic, ironic_);
  }
  // Ticks until `run` reaches driver state `state` (false after ~5 s).
  bool drive_to(BurninDriver& driver, const std::string& run, const std::string& state) {
    for (int i = 0; i < 500; ++i) {
      driver.tick();
      if ((*this->store_->find_run(run))->driver_state == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  testing::FakeIronic ironic_;
  OrchestratorConfig config_;
};

}  // namespace kiln::orchestrator
