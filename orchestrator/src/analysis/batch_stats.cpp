#include "analysis/batch_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln::orchestrator {
namespace {

constexpr double kMadToSigma = 1.4826;     // 1 / Phi^-1(3/4)
constexpr double kMeanAdToSigma = 1.2533;  // sqrt(pi / 2)

double median_of(std::vector<double>& v) {  // sorts v
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

BatchStats describe_batch(std::vector<double> values) {
  BatchStats s;
  s.n = values.size();
  if (values.empty()) return s;
  s.median = median_of(values);
  s.min = values.front();
  s.max = values.back();
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - s.median));
  const double mean_ad =
      std::accumulate(deviations.begin(), deviations.end(), 0.0) / static_cast<double>(s.n);
  s.mad = median_of(deviations);
  if (s.mad > 0) {
    s.sigma = kMadToSigma * s.mad;
    s.sigma_basis = "MAD";
  } else if (mean_ad > 0) {
    s.sigma = kMeanAdToSigma * mean_ad;
    s.sigma_basis = "mean absolute deviation";
  } else {
    s.sigma = 0;
    s.sigma_basis = "none (all equal)";
  }
  return s;
}

FigureJudgement judge_in_batch(double value, const BatchStats& batch, Better better,
                               const OutlierSettings& rule) {
  FigureJudgement j;
  if (batch.sigma > 0) j.robust_z = (value - batch.median) / batch.sigma;
  if (batch.median != 0)
    j.deviation_percent = (value - batch.median) / std::fabs(batch.median) * 100.0;
  const bool bad_side = better == Better::kHigher ? value < batch.median : value > batch.median;
  j.outlier = batch.n >= static_cast<std::size_t>(std::max(rule.min_batch, 1)) &&
              batch.sigma > 0 && batch.median != 0 && bad_side &&
              std::fabs(j.robust_z) > rule.k &&
              std::fabs(j.deviation_percent) >= rule.min_deviation_percent;
  return j;
}

}  // namespace kiln::orchestrator
