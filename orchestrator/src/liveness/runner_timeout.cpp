#include "liveness/runner_timeout.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "log/log.hpp"
#include "metrics/metrics.hpp"

namespace kiln::orchestrator {

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
  std::tm tm{};
  char zone = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &zone, &consumed) != 7 ||
      zone != 'Z' || static_cast<std::size_t>(consumed) != text.size()) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = ::timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::string describe_duration(std::chrono::seconds d) {
  const long long s = d.count();
  if (s % 86400 == 0 && s > 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0 && s > 0) return fmt::format("{}h", s / 3600);
  if (s >= 3600) return fmt::format("{}h{}m", s / 3600, (s % 3600) / 60);
  if (s % 60 == 0 && s > 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

Expected<std::chrono::seconds> parse_timeout(const std::string& text) {
  std::string number = text;
  long long scale = 1;
  if (!number.empty()) {
    switch (number.back()) {
      case 's':
        scale = 1;
        number.pop_back();
        break;
      case 'm':
        scale = 60;
        number.pop_back();
        break;
      case 'h':
        scale = 3600;
        number.pop_back();
        break;
      case 'd':
        scale = 86400;
        number.pop_back();
        break;
      default:
        break;
    }
  }
  long long value = 0;
  std::size_t used = 0;
  for (char c : number) {
    if (c < '0' || c > '9' || value > 100'000'000) break;
    value = value * 10 + (c - '0');
    ++used;
  }
  if (number.empty() || used != number.size()) {
    return make_error("KILN-CONFIG",
                      fmt::format("'{}' is not a duration (use e.g. 90s, 15m, 2h, 0 = off)", text));
  }
  return std::chrono::seconds(value * scale);
}

std::optional<std::string> runner_silence(const RunRow& run,
                                          std::chrono::system_clock::time_point now,
                                          std::chrono::seconds timeout,
                                          const std::optional<Outage>& outage) {
  if (timeout.count() <= 0) return std::nullopt;
  if (run.state != "started" && run.state != "registered") return std::nullopt;  // ended
  if (run.directive == "abort") return std::nullopt;  // an operator ended it already
  // With Ironic the runner can speak only once the node is deployed ("running");
  // without Ironic ("none") from the moment the burn-in was started.
  if (run.driver_state != "running" && run.driver_state != "none") return std::nullopt;
  const bool spoke = !run.last_heartbeat.empty();
  // Never heard from: counted from when the node was deployed (the last update
  // of a run that no runner has touched) or the burn-in was started.
  const std::string& since_text = spoke ? run.last_heartbeat : run.updated_at;
  auto since = parse_utc(since_text);
  if (!since) return std::nullopt;  // not a time kiln wrote: never guess a death
  std::chrono::system_clock::duration excused{0};
  if (outage && *since <= outage->down && outage->up > outage->down)
    excused = outage->up - outage->down;
  if (now - *since - excused <= timeout) return std::nullopt;
  const std::string downtime =
      excused >= std::chrono::seconds(1)
          ? fmt::format(
                ", not counting the orchestrator's own {} away",
                describe_duration(std::chrono::duration_cast<std::chrono::seconds>(excused)))
          : "";
  if (spoke || run.state == "registered") {
    return fmt::format(
        "kiln: no heartbeat from node {} since {} (timeout {}{}): the runner or the node died "
        "during burn-in run {}{}",
        run.node_uuid, since_text, describe_duration(timeout), downtime, run.id,
        run.stage.empty() ? ""
                          : fmt::format(" (last stage {}, {:.0f} %)", run.stage, run.progress));
  }
  return fmt::format(
      "kiln: node {} never reported since {} (timeout {}{}): it did not boot kiln's ramdisk or "
      "its runner could not reach the orchestrator (run {})",
      run.node_uuid, since_text, describe_duration(timeout), downtime, run.id);
}

std::chrono::seconds contact_refresh_interval(std::chrono::seconds timeout) {
  return std::clamp(timeout / 10, std::chrono::seconds(1), std::chrono::seconds(60));
}

void note_runner_contact(RunStore& store, const RunRow& run, std::chrono::seconds timeout) {
  if (timeout.count() > 0 && !run.last_heartbeat.empty()) {
    auto last = parse_utc(run.last_heartbeat);
    if (last && std::chrono::system_clock::now() - *last < contact_refresh_interval(timeout))
      return;
  }
  (void)store.record_heartbeat(run.id);  // best effort: the call itself already succeeded
}

RunnerTimeoutSweep::RunnerTimeoutSweep(RunStore& store, std::chrono::seconds timeout,
                                       WallClock clock, bool ironic)
    : store_(store), timeout_(timeout), clock_(std::move(clock)), ironic_(ironic) {}

Expected<std::vector<ExpiredRun>> RunnerTimeoutSweep::sweep() {
  std::vector<ExpiredRun> ended;
  if (timeout_.count() <= 0) return ended;
  RunQuery unfinished;  // without Ironic: the runs that can still be live (no reports read)
  unfinished.unfinished = true;
  auto runs = ironic_ ? store_.runs_in_flight() : store_.list_runs(unfinished);
  if (!runs) return runs.error();
  if (!started_) {  // the orchestrator's start: nothing was written since it went down
    started_ = true;
    std::optional<std::chrono::system_clock::time_point> down;
    for (const auto& r : *runs) {
      for (const auto* t : {&r.last_heartbeat, &r.updated_at, &r.created_at}) {
        auto at = parse_utc(*t);
        if (at && (!down || *at > *down)) down = at;
      }
    }
    if (down) outage_ = Outage{*down, clock_()};
  }
  for (const auto& candidate : *runs) {
    if (!runner_silence(candidate, clock_(), timeout_, outage_)) continue;
    // Read it again right before ending it: a heartbeat or a report that
    // arrived meanwhile keeps it alive.
    auto fresh = store_.find_run(candidate.id);
    if (!fresh) return fresh.error();
    if (!*fresh) continue;
    const RunRow& run = **fresh;
    auto reason = runner_silence(run, clock_(), timeout_, outage_);
    if (!reason) continue;
    nlohmann::json report{
        {"report_format", "kiln-orchestrator-timeout/1"},
        {"run_id", run.id},
        {"node", {{"ironic_uuid", run.node_uuid}}},
        {"status", "ERROR"},
        {"result", "NOT_APPLICABLE"},
        {"verdict", "ERROR"},
        {"ended", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                              std::chrono::time_point_cast<std::chrono::seconds>(clock_()))},
        {"ended_by", "kiln-orchestrator"},
        {"failures", nlohmann::json::array({*reason})},
        {"errors", nlohmann::json::array({{{"symptom", "runner-timeout"}, {"message", *reason}}})},
        {"stages", nlohmann::json::array()}};
    // The verdict first: were the directive written alone, the driver would
    // read it as an operator's abort.
    if (auto s = store_.store_report(run.id, report.dump(), "ERROR"); !s) return s.error();
    if (auto s = store_.set_directive(run.id, "abort"); !s) return s.error();
    ++metrics().runner_timeouts;
    ended.push_back({run.id, run.node_uuid, *reason});
  }
  return ended;
}

RunnerWatchdog::RunnerWatchdog(RunStore& store, std::chrono::seconds timeout, bool ironic)
    : sweep_(store, timeout, std::chrono::system_clock::now, ironic),
      interval_(std::clamp(timeout / 5, std::chrono::seconds(1), std::chrono::seconds(60))),
      enabled_(timeout.count() > 0) {}

RunnerWatchdog::~RunnerWatchdog() {
  stop();
}

void RunnerWatchdog::sweep_and_log() {
  if (leads_ && !leads_()) return;
  auto ended = sweep_.sweep();
  if (!ended) {
    log_line(LogLevel::error, "runner timeout sweep", {{"error", ended.error().message}});
    return;
  }
  for (const auto& e : *ended)
    log_line(LogLevel::warning, "run ended ERROR", {{"run", e.run_id}, {"reason", e.reason}});
}

void RunnerWatchdog::start() {
  if (!enabled_) return;
  sweep_and_log();
  thread_ = std::thread([this]() {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, interval_, [this]() { return stopping_; })) {
      lock.unlock();
      try {
        sweep_and_log();
      } catch (const std::exception& e) {
        log_line(LogLevel::error, "runner timeout sweep", {{"error", e.what()}});
      }
      lock.lock();
    }
  });
}

void RunnerWatchdog::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kiln::orchestrator
