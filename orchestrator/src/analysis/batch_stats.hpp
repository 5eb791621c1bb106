// Robust statistics of one figure across a delivery's batch of nodes: median
// and MAD (median absolute deviation), scaled to a normal sigma (1.4826 x MAD).
// When more than half the batch has the same value MAD is 0; sigma then comes
// from the mean absolute deviation (1.2533 x MeanAD, Iglewicz & Hoaglin), and
// is 0 only when every node has the same value (nobody is an outlier).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/orchestrator_config.hpp"

namespace kiln::orchestrator {

enum class Better { kHigher, kLower };

struct BatchStats {
  std::size_t n = 0;
  double min = 0;
  double median = 0;
  double max = 0;
  double mad = 0;
  double sigma = 0;          // robust standard deviation
  std::string sigma_basis;   // "MAD", "mean absolute deviation" or "none (all equal)"
};

// Undefined for an empty batch (n = 0, everything 0).
BatchStats describe_batch(std::vector<double> values);

struct FigureJudgement {
  double robust_z = 0;           // (value - median) / sigma; 0 when sigma is 0
  double deviation_percent = 0;  // (value - median) / |median| x 100; 0 when the median is 0
  bool outlier = false;
};

// An outlier lies more than k robust sigmas from the batch median, on the bad
// side (below for higher-is-better figures), by at least min_deviation_percent,
// in a batch of at least min_batch nodes.
FigureJudgement judge_in_batch(double value, const BatchStats& batch, Better better,
                               const OutlierSettings& rule);

}  // namespace kiln::orchestrator
