// Runs the hepbench copies: one thread per copy, each pinned to its CPU,
// all starting each workload together at a barrier, each running whole
// batches for a fixed event count or until a time box ends, and checking
// every batch's checksum against the catalog's expected value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hepbench/workload.hpp"
#include "kiln/expected.hpp"

namespace kiln::hepbench {

// A monotonic clock, passed in so tests can control time.
using MonotonicClock = std::function<std::chrono::nanoseconds()>;
MonotonicClock steady_clock_source();

// How long each workload runs on each copy: exactly one of the two is > 0.
struct RunLength {
  // Fixed work: this many events per copy, rounded up to whole batches.
  std::uint64_t events_per_workload = 0;
  // Time box: whole batches until this much time has passed (at least one).
  std::chrono::milliseconds time_box_per_workload{0};

  static RunLength events(std::uint64_t n) { return {n, std::chrono::milliseconds{0}}; }
  static RunLength time_box(std::chrono::milliseconds box) { return {0, box}; }
};

// Test-only faults. Production callers leave this empty.
struct FaultInjection {
  // This copy's first batch of `wrong_result_workload` (empty: the first
  // workload run) gets a flipped checksum bit, as a faulty CPU would.
  std::optional<std::size_t> wrong_result_copy;
  std::string wrong_result_workload;
  // This copy cannot start `start_failure_workload` (empty: the first).
  std::optional<std::size_t> start_failure_copy;
  std::string start_failure_workload;
};

// One copy's run of one workload.
struct WorkloadRun {
  std::uint64_t batches = 0;
  std::uint64_t events = 0;
  double seconds = 0.0;
  std::uint64_t first_checksum = 0;  // of the copy's first batch
  bool stable = true;                // every batch matched first_checksum
  std::uint64_t wrong_batches = 0;   // batches that did not match the expected checksum
  std::uint64_t first_wrong_checksum = 0;
};

struct CopyRecord {
  int cpu = -1;                   // the CPU the copy was pinned to
  int cpu_at_start = -1;          // sched_getcpu() right after pinning
  int cpu_at_end = -1;            // sched_getcpu() after the last workload
  std::vector<WorkloadRun> runs;  // one per workload, in spec order
};

struct CopyRunSpec {
  std::vector<int> cpus;                       // one copy per entry
  std::vector<const WorkloadKind*> workloads;  // non-null, run in this order
  RunLength length;
  MonotonicClock now;
  FaultInjection faults;
};

// Runs all copies to the end. An Error when a copy cannot be pinned or a
// workload cannot start on some copy (then no copy runs any workload);
// wrong checksums are not errors, they are recorded in the runs.
Expected<std::vector<CopyRecord>> run_copies(const CopyRunSpec& spec);

}  // namespace kiln::hepbench
