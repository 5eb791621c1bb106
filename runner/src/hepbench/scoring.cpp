#include "hepbench/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace kiln::hepbench {

Expected<double> geometric_mean(std::span<const double> values) {
  if (values.empty()) {
    return make_error("KILN-HEPBENCH-SCORE", "geometric mean of no values");
  }
  double log_sum = 0.0;
  for (const double v : values) {
    if (!(v > 0.0) || !std::isfinite(v)) {
      return make_error("KILN-HEPBENCH-SCORE",
                        "geometric mean needs finite values > 0, got " + std::to_string(v));
    }
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

double median(std::span<const double> values) {
  if (values.empty()) return 0.0;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

double coefficient_of_variation(std::span<const double> values) {
  if (values.empty()) return 0.0;
  double sum = 0.0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(values.size());
  if (mean == 0.0) return 0.0;
  double squares = 0.0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size())) / std::fabs(mean);
}

Spread spread_of(std::span<const double> values) {
  if (values.empty()) return {};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {*lo, median(values), *hi, coefficient_of_variation(values)};
}

double relative_score(double events_per_second, double reference_per_copy) {
  if (!(reference_per_copy > 0.0)) return 0.0;
  return events_per_second / reference_per_copy * kScorePerReferenceCopy;
}

}  // namespace kiln::hepbench
