// The hepbench scoring arithmetic, as pure functions.
//
// Score definition (documented in bench/hepbench/README.md):
//   workload score    = sum over copies of the copy's events/s
//   relative score    = workload score / reference events/s per copy * kScorePerReferenceCopy
//   benchmark score   = geometric mean over workloads of the relative scores
// So a machine scores 10 for every copy that runs as fast as one copy on the
// reference machine: the reference machine itself scores 10 x its copies.
#pragma once

#include <span>

#include "kiln/expected.hpp"

namespace kiln::hepbench {

inline constexpr double kScorePerReferenceCopy = 10.0;

// Spread of per-copy throughput: how evenly the CPUs performed.
struct Spread {
  double min = 0.0;
  double median = 0.0;
  double max = 0.0;
  double cv = 0.0;  // coefficient of variation: population stddev / mean
};

// Geometric mean; an Error for an empty list or a value that is not > 0.
Expected<double> geometric_mean(std::span<const double> values);

// Median (mean of the middle two for an even count); 0 for an empty list.
double median(std::span<const double> values);

// Population standard deviation / mean; 0 for an empty list or a zero mean.
double coefficient_of_variation(std::span<const double> values);

// min, median, max and CV of the values; all 0 for an empty list.
Spread spread_of(std::span<const double> values);

// events_per_second / reference_per_copy * kScorePerReferenceCopy.
double relative_score(double events_per_second, double reference_per_copy);

}  // namespace kiln::hepbench
