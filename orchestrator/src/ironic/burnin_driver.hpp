// Moves each node through burn-in (and decommission: decommission_driver.hpp
// holds the steps where it differs) in Ironic, one persisted step at a time:
//   start (token, instance_info, deploy_interface) -> provide -> wait_available
//   -> deploy -> wait_active -> running -> judge
//   PASS: pass (extra.kiln, CUSTOM_KILN_PASSED) -> undeploy -> wait_undeployed -> done
//   FAIL: fail (extra.kiln, CUSTOM_KILN_FAILED, maintenance with the first failure) -> done
//   ERROR: a new run (rebuild) while retries last, then like FAIL
// With ironic.method: clean the run is a manual cleaning instead
// (clean_steps.hpp): start -> running -> judge -> pass -> release -> done, or
// fail -> done.
// Every step is idempotent and its position lives in the store, so a
// restarted orchestrator resumes each node where it was. Ironic being down,
// NodeLocked and 5xx are retried with exponential backoff; a 4xx is recorded
// (Ironic's own message) and retried at the longest backoff.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "config/orchestrator_endpoint.hpp"
#include "ironic/clean_steps.hpp"
#include "ironic/decommission_driver.hpp"
#include "ironic/driver_common.hpp"
#include "ironic/ironic_client.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

class BurninDriver {
 public:
  BurninDriver(RunStore& store, OrchestratorEndpoint endpoint, IronicSettings settings);
  ~BurninDriver();
  BurninDriver(const BurninDriver&) = delete;
  BurninDriver& operator=(const BurninDriver&) = delete;

  void start();
  void stop();
  // One pass over every run in flight (the thread calls this; tests may too).
  void tick();
  // Judge PASSed nodes against their delivery batch: outliers are flagged
  // (extra.kiln.outliers, trait CUSTOM_KILN_OUTLIER) or, with fail, failed.
  void set_outlier_settings(OutlierSettings settings) { outliers_ = settings; }
  // Replicas: the thread ticks only while `leads()` (LeaderLock::is_leader);
  // a follower's driver waits. Unset: it always ticks.
  void set_leader_check(std::function<bool()> leads) { leads_ = std::move(leads); }

 private:
  using StepResult = kiln::orchestrator::StepResult;
  Expected<StepResult> step(const RunRow& run);
  Expected<StepResult> step_start(const RunRow& run);
  Expected<StepResult> step_judge(const RunRow& run);
  Expected<StepResult> step_verdict(const RunRow& run, bool passed);
  Status move(const RunRow& run, const std::string& next);

  RunStore& store_;
  OrchestratorEndpoint endpoint_;
  IronicSettings settings_;
  std::optional<OutlierSettings> outliers_;
  std::function<bool()> leads_;
  IronicClient ironic_;
  DecommissionSteps decommission_;
  CleanSteps clean_;
  struct Backoff {
    std::chrono::steady_clock::time_point next_try;
    std::chrono::milliseconds delay{0};
  };
  std::map<std::string, Backoff> backoff_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kiln::orchestrator
