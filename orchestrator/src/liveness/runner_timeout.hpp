// Dead runners: a run whose runner has said nothing (register, artifacts,
// heartbeat, report) for longer than `runner_timeout` ends ERROR with a reason
// a technician can act on. The ERROR then takes the ordinary path: the Ironic
// driver retries it (error_retries) and finally puts the node in maintenance
// with that reason. RunnerTimeoutSweep is one pass with an injectable clock;
// RunnerWatchdog runs it at startup and then periodically.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kiln/expected.hpp"
#include "store/run_store.hpp"

namespace kiln::orchestrator {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// "2026-11-21T14:46:57Z" (utc_now()'s format); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text);
// "15m", "90s", "2h", "1h30m" for messages.
std::string describe_duration(std::chrono::seconds d);
// "15m", "90s", "2h", "1d", or a plain number of seconds; 0 disables.
Expected<std::chrono::seconds> parse_timeout(const std::string& text);

// When this orchestrator was away: from the last write any run got before it
// started (`down`) to its start (`up`). Silence in between is the
// orchestrator's, not the runner's: runners could not reach it.
struct Outage {
  std::chrono::system_clock::time_point down;
  std::chrono::system_clock::time_point up;
};

// Why `run` counts as dead at `now`, or nullopt while it is alive, finished,
// aborted by an operator, or not yet booted by Ironic. Silence that began
// before `outage` (if any) does not count the outage itself.
std::optional<std::string> runner_silence(const RunRow& run,
                                          std::chrono::system_clock::time_point now,
                                          std::chrono::seconds timeout,
                                          const std::optional<Outage>& outage = std::nullopt);

// How often a run's contact time is refreshed from artifact batches, so a
// runner that streams (and so never needs to heartbeat) is not taken for dead
// and the store does not take one extra write per batch.
std::chrono::seconds contact_refresh_interval(std::chrono::seconds timeout);
// Records contact from `run`'s runner when the stored time is older than the
// refresh interval (one extra write per interval and run, not per call).
void note_runner_contact(RunStore& store, const RunRow& run, std::chrono::seconds timeout);

struct ExpiredRun {
  std::string run_id;
  std::string node_uuid;
  std::string reason;
};

class RunnerTimeoutSweep {
 public:
  // With Ironic (`ironic`) only runs whose state machine is moving can be
  // live, and the sweep reads just those (runs_in_flight: no stored reports);
  // without Ironic it reads the unfinished ones.
  RunnerTimeoutSweep(RunStore& store, std::chrono::seconds timeout,
                     WallClock clock = std::chrono::system_clock::now, bool ironic = false);
  // Ends every silent run ERROR (a report naming the reason, directive abort
  // so a runner that comes back stops); returns what it ended. The first call
  // is the orchestrator's start: it takes the outage before it from the store.
  Expected<std::vector<ExpiredRun>> sweep();

 private:
  RunStore& store_;
  std::chrono::seconds timeout_;
  WallClock clock_;
  bool ironic_;
  bool started_ = false;
  std::optional<Outage> outage_;
};

class RunnerWatchdog {
 public:
  RunnerWatchdog(RunStore& store, std::chrono::seconds timeout, bool ironic);
  ~RunnerWatchdog();
  RunnerWatchdog(const RunnerWatchdog&) = delete;
  RunnerWatchdog& operator=(const RunnerWatchdog&) = delete;
  // Sweeps once now (a restarted orchestrator remembers its dead runners),
  // then every timeout/5 (1 s .. 60 s) on a thread. A zero timeout: nothing.
  void start();
  void stop();
  // Replicas: it sweeps only while `leads()` (LeaderLock::is_leader); the
  // first sweep is then the one at which this replica began to lead.
  void set_leader_check(std::function<bool()> leads) { leads_ = std::move(leads); }

 private:
  void sweep_and_log();
  std::function<bool()> leads_;
  RunnerTimeoutSweep sweep_;
  std::chrono::seconds interval_;
  bool enabled_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kiln::orchestrator
