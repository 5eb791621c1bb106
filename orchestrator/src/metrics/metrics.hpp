// What the orchestrator counts while it runs, for GET /metrics (Prometheus):
// artifact batches and their latency, group commits, Ironic calls, runner
// timeouts. One process-wide set (metrics()); every counter is safe to bump
// from any thread. Figures read from the store at scrape time (runs by state
// and verdict, deliveries) are not kept here: see exposition.hpp.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kiln::orchestrator {

// A Prometheus histogram of seconds with fixed upper bounds.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  void observe(double seconds);
  struct Snapshot {
    std::array<std::uint64_t, kBounds.size()> cumulative{};  // observations <= each bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  [[nodiscard]] Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::array<std::uint64_t, kBounds.size()> buckets_{};  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

struct Metrics {
  std::atomic<std::uint64_t> batches_stored{0};   // answered 200 after their commit
  std::atomic<std::uint64_t> batches_refused{0};  // any other answer
  std::atomic<std::uint64_t> artifact_lines{0};   // new lines stored (replays not counted)
  Histogram batch_seconds;                        // batch received -> answer ready
  Histogram commit_seconds;                       // one group commit (BEGIN..COMMIT)
  std::atomic<std::uint64_t> runner_timeouts{0};  // runs ended ERROR by the watchdog

  // Ironic API calls by method and outcome ("ok", or the KILN-IRONIC-* code).
  void count_ironic_call(const std::string& method, const std::string& outcome);
  [[nodiscard]] std::map<std::pair<std::string, std::string>, std::uint64_t> ironic_calls() const;

 private:
  mutable std::mutex ironic_mu_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> ironic_calls_;
};

// The process's metrics.
Metrics& metrics();

}  // namespace kiln::orchestrator
