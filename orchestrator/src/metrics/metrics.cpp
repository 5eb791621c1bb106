#include "metrics/metrics.hpp"

#include <algorithm>

namespace kiln::orchestrator {

void Histogram::observe(double seconds) {
  const auto at = static_cast<std::size_t>(
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  std::lock_guard lock(mu_);
  if (at < buckets_.size()) ++buckets_[at];  // past the last bound: only +Inf (count)
  ++count_;
  sum_ += seconds;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::lock_guard lock(mu_);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i];
    s.cumulative[i] = running;
  }
  s.count = count_;
  s.sum = sum_;
  return s;
}

void Metrics::count_ironic_call(const std::string& method, const std::string& outcome) {
  std::lock_guard lock(ironic_mu_);
  ++ironic_calls_[{method, outcome}];
}

std::map<std::pair<std::string, std::string>, std::uint64_t> Metrics::ironic_calls() const {
  std::lock_guard lock(ironic_mu_);
  return ironic_calls_;
}

Metrics& metrics() {
  static Metrics instance;
  return instance;
}

}  // namespace kiln::orchestrator
