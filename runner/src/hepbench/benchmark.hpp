// kiln hepbench: a HEPSpec-like CPU throughput benchmark.
//
// One copy of every workload runs on each selected CPU (see
// cpu_selection.hpp); each copy is pinned, all copies start each workload
// together, and every batch's checksum is checked. The result is a score
// relative to the reference machine (see scoring.hpp), the spread between
// copies, and any copy that computed a wrong result.
//
// Outcomes: an Error when the benchmark could not run (a copy could not be
// pinned, a workload could not start) -- stage status ERROR; a Report with
// mismatches when some CPU computed a wrong result -- result FAIL; a Report
// without mismatches otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hepbench/copy_runner.hpp"
#include "hepbench/reference.hpp"
#include "hepbench/scoring.hpp"
#include "kiln/expected.hpp"

namespace kiln::hepbench {

// "quick": 4 s per workload, about 21 s in all (5 workloads). "standard":
// 60 s per workload, about 5 min. Both are time boxes, so the wall time
// does not depend on the machine's speed.
RunLength quick_length();
RunLength standard_length();

struct BenchmarkConfig {
  std::vector<int> cpus;               // one copy per entry (see plan_copy_cpus)
  std::vector<std::string> workloads;  // empty: all, in catalog order
  RunLength length = quick_length();
  MonotonicClock now = steady_clock_source();
  FaultInjection faults;  // tests only
};

struct CopyThroughput {
  std::size_t copy = 0;
  int cpu = -1;
  int cpu_at_start = -1;  // where the copy found itself after pinning
  int cpu_at_end = -1;
  std::uint64_t events = 0;
  double seconds = 0.0;
  double events_per_second = 0.0;
};

// A copy whose result differed from the expected checksum.
struct Mismatch {
  std::size_t copy = 0;
  int cpu = -1;
  std::string workload;
  std::uint64_t checksum = 0;  // the first wrong one
  std::uint64_t expected = 0;
  std::uint64_t wrong_batches = 0;
  std::uint64_t batches = 0;

  // "CPU 3 produced a wrong result in workload track_fit (checksum 0x..., expected 0x...)"
  [[nodiscard]] std::string describe() const;
};

struct WorkloadReport {
  std::string name;
  std::uint32_t events_per_batch = 0;
  std::vector<CopyThroughput> copies;
  double events_per_second = 0.0;   // workload score: sum over copies
  double reference_per_copy = 0.0;  // events/s of one reference copy
  double score = 0.0;               // relative_score(events_per_second, reference_per_copy)
  Spread per_copy;                  // of the copies' events/s
  // Every batch of every copy produced the same checksum. False means the
  // work was not reproducible; true with mismatches on every copy points
  // at the build rather than at one CPU.
  bool deterministic = true;
};

struct Report {
  double score = 0.0;  // geometric mean of the workload scores
  std::vector<WorkloadReport> workloads;
  // Each copy's own score (geomean over workloads of its events/s relative
  // to a reference copy, x 10) and their spread: the overall balance.
  std::vector<double> copy_scores;
  Spread per_copy;
  std::vector<Mismatch> mismatches;
  std::vector<int> cpus;
  double elapsed_seconds = 0.0;  // whole run, including setup

  [[nodiscard]] bool mismatch() const { return !mismatches.empty(); }
};

// Validates the config against the catalog and the reference, runs the
// copies and scores them.
Expected<Report> run_benchmark(const BenchmarkConfig& config, const Reference& reference);

}  // namespace kiln::hepbench
