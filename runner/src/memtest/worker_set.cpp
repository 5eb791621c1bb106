// Worker threads: pin, lock, run the passes; the progress loop; merging.
#include "memtest/worker_set.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <exception>

namespace kiln::memtest {

namespace {

bool pin_current_thread(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return ::pthread_setaffinity_np(::pthread_self(), sizeof(set), &set) == 0;
}

std::uint64_t seed_for(std::uint64_t seed, unsigned pass, std::size_t pattern) {
  return mix64(seed ^ (static_cast<std::uint64_t>(pass) << 32) ^ pattern);
}

}  // namespace

WorkerSet::WorkerSet(const std::vector<RegionPlan>& plan, std::uint64_t* base,
                     const MemtestOptions& options, const SweepKernels& kernels,
                     const std::vector<const PatternDef*>& patterns, const RunControl& control)
    : options_(options), kernels_(kernels), patterns_(patterns), control_(control) {
  for (const RegionPlan& region : plan) {
    workers_.push_back(std::make_unique<Worker>(
        region,
        std::span<std::uint64_t>(base + region.offset / sizeof(std::uint64_t),
                                 region.bytes / sizeof(std::uint64_t)),
        options.max_fault_records));
  }
}

WorkerSet::~WorkerSet() {
  join();
}

void WorkerSet::join() {
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void WorkerSet::start() {
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { work(*w); });
  }
}

void WorkerSet::work(Worker& worker) {
  // A thread boundary: nothing may escape it.
  try {
    run_passes(worker);
  } catch (const std::exception& e) {
    worker.error =
        make_error("memtest-worker-failed", std::string("memory test worker failed: ") + e.what());
  } catch (...) {
    worker.error = make_error("memtest-worker-failed", "memory test worker failed");
  }
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++finished_;
  }
  finished_cv_.notify_all();
}

void WorkerSet::run_passes(Worker& worker) {
  if (worker.plan.cpu >= 0) worker.pin_failed = !pin_current_thread(worker.plan.cpu);
  if (options_.lock_memory) {
    // Locking faults the region in from this (pinned) thread: first touch
    // places it on this worker's node.
    const auto began = control_.now();
    auto locked = lock_region(worker.region.data(), worker.region.size_bytes());
    worker.setup = control_.now() - began;
    worker.locked = locked.ok();
    if (!locked) worker.lock_error = locked.error().message + "; " + locked.error().remedy;
  }
  RegionRunner runner(worker.region, worker.plan.offset, kernels_, control_, worker.log,
                      worker.traffic);
  for (unsigned pass = 0; options_.passes == 0 || pass < options_.passes; ++pass) {
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      if (!runner.run(*patterns_[i], seed_for(options_.seed, pass, i))) return;
    }
    ++worker.passes_done;
    if (control_.should_stop()) return;
  }
}

void WorkerSet::wait(const std::function<void(std::uint64_t, std::uint64_t)>& tick,
                     std::chrono::milliseconds interval) {
  const auto report = [&] {
    std::uint64_t processed = 0;
    std::uint64_t mismatches = 0;
    for (const auto& w : workers_) {
      processed += w->traffic.written.load(std::memory_order_relaxed) +
                   w->traffic.verified.load(std::memory_order_relaxed);
      mismatches += w->traffic.mismatches.load(std::memory_order_relaxed);
    }
    tick(processed, mismatches);
  };
  const auto period = std::max(interval, std::chrono::milliseconds(1));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!finished_cv_.wait_for(lock, period, [&] { return finished_ == workers_.size(); })) {
    lock.unlock();
    report();
    lock.lock();
  }
  lock.unlock();
  join();
  report();
}

std::optional<Error> WorkerSet::failure() const {
  for (const auto& w : workers_) {
    if (w->error) return w->error;
  }
  return std::nullopt;
}

void WorkerSet::collect(MemtestReport& report, FaultLog& merged) const {
  report.memory_locked = options_.lock_memory;
  report.passes_completed = workers_.empty() ? 0 : workers_.front()->passes_done;
  std::size_t pin_failures = 0;
  std::string lock_error;
  for (const auto& w : workers_) {
    report.regions.push_back(WorkerRegion{w->plan.node, w->pin_failed ? -1 : w->plan.cpu,
                                          reinterpret_cast<std::uintptr_t>(w->region.data()),
                                          w->region.size_bytes()});
    report.bytes_written += w->traffic.written.load();
    report.bytes_verified += w->traffic.verified.load();
    report.passes_completed = std::min(report.passes_completed, w->passes_done);
    report.memory_locked = report.memory_locked && w->locked;
    report.setup = std::max(report.setup, w->setup);
    if (!w->lock_error.empty() && lock_error.empty()) lock_error = w->lock_error;
    pin_failures += w->pin_failed ? 1 : 0;
    merged.merge(w->log);
  }
  if (!options_.lock_memory) report.notes.emplace_back("memory not locked (lock_memory off)");
  if (!lock_error.empty()) report.notes.push_back("memory not locked: " + lock_error);
  if (pin_failures > 0) {
    report.notes.push_back(std::to_string(pin_failures) +
                           " worker(s) could not be pinned to their CPU and ran unpinned");
  }
}

}  // namespace kiln::memtest
