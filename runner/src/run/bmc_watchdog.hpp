// The BMC watchdog for a run whose delivery says `watchdog: true`: armed with
// a hard-reset action before the first stage (IPMI Set Watchdog Timer, netfn
// 0x06 cmd 0x24, timer use SMS/OS), petted from its own thread (`ipmitool mc
// watchdog reset`) and switched off (`mc watchdog off`) when the run ends. A
// node that hangs under load stops petting, its BMC resets it, and the next
// boot's runner handles it as an unexpected reboot (docs/reboots.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/host_adapter.hpp"
#include "kiln/expected.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::runner {

// `ipmitool raw 0x06 0x24 ...`: SMS/OS timer use, hard reset on expiry, no
// pre-timeout, the SMS/OS expiration flag cleared, `timeout` in 100 ms counts
// (at most 6553.5 s).
std::vector<std::string> watchdog_set_argv(const std::optional<tools::IpmiLanTarget>& lan,
                                           std::chrono::seconds timeout);

class BmcWatchdog {
 public:
  // Sets and starts the timer; an Error names the ipmitool command that failed
  // (no BMC, a BMC without a watchdog) and nothing is left armed.
  static Expected<std::unique_ptr<BmcWatchdog>> arm(HostAdapter& host,
                                                    std::optional<tools::IpmiLanTarget> lan,
                                                    std::chrono::seconds timeout,
                                                    std::chrono::milliseconds pet_interval);
  BmcWatchdog(const BmcWatchdog&) = delete;
  BmcWatchdog& operator=(const BmcWatchdog&) = delete;
  // Stops petting and switches the timer off.
  ~BmcWatchdog();

  // Stops petting and switches the timer off now; what the BMC said when it
  // did not ("" when it did).
  std::string disarm();
  [[nodiscard]] int pets() const;
  // The last pet's failure ("" while the BMC takes them).
  [[nodiscard]] std::string last_pet_error() const;

 private:
  BmcWatchdog(HostAdapter& host, std::optional<tools::IpmiLanTarget> lan,
              std::chrono::milliseconds pet_interval);
  void pet_loop();
  // `ipmitool` with the interface options, then `args`.
  Status ipmitool(std::vector<std::string> args);
  // A whole ipmitool argv; a failure is described by describe_failure (the password masked).
  Status run(std::vector<std::string> argv);

  HostAdapter& host_;
  std::optional<tools::IpmiLanTarget> lan_;
  std::chrono::milliseconds pet_interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool disarmed_ = false;
  int pets_ = 0;
  std::string last_pet_error_;
  std::thread petter_;  // last: started when everything above is set
};

}  // namespace kiln::runner
