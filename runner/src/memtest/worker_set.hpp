// The worker threads of a run: one per planned region, pinned to its CPU,
// locking and owning its region, with its own fault log and traffic counters.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "kiln/expected.hpp"
#include "memtest/fault_log.hpp"
#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"
#include "memtest/region_runner.hpp"
#include "memtest/topology.hpp"

namespace kiln::memtest {

class WorkerSet {
 public:
  // `base`: the test memory the plan's offsets are relative to.
  WorkerSet(const std::vector<RegionPlan>& plan, std::uint64_t* base, const MemtestOptions& options,
            const SweepKernels& kernels, const std::vector<const PatternDef*>& patterns,
            const RunControl& control);
  WorkerSet(const WorkerSet&) = delete;
  WorkerSet& operator=(const WorkerSet&) = delete;
  ~WorkerSet();  // joins

  void start();
  // Until every worker has finished: tick(bytes processed, mismatches) every
  // `interval`, and once more at the end.
  void wait(const std::function<void(std::uint64_t, std::uint64_t)>& tick,
            std::chrono::milliseconds interval);
  // The first worker's error (an exception escaped it), if any.
  [[nodiscard]] std::optional<Error> failure() const;
  // Regions, traffic, passes, lock state and notes into `report`; logs into `merged`.
  void collect(MemtestReport& report, FaultLog& merged) const;

 private:
  struct Worker {
    Worker(const RegionPlan& p, std::span<std::uint64_t> r, std::size_t max_records)
        : plan(p), region(r), log(max_records) {}
    RegionPlan plan;
    std::span<std::uint64_t> region;
    FaultLog log;
    Traffic traffic;
    unsigned passes_done = 0;
    bool locked = false;
    std::chrono::nanoseconds setup{0};  // locking (first touch) of the region
    bool pin_failed = false;
    std::string lock_error;
    std::optional<Error> error;
    std::thread thread;
  };
  void work(Worker& worker);
  void run_passes(Worker& worker);
  void join();

  const MemtestOptions& options_;
  const SweepKernels& kernels_;
  const std::vector<const PatternDef*>& patterns_;
  const RunControl& control_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::mutex mutex_;
  std::condition_variable finished_cv_;
  std::size_t finished_ = 0;
};

}  // namespace kiln::memtest
