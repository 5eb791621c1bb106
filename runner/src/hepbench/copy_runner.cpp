#include "hepbench/copy_runner.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <barrier>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

namespace kiln::hepbench {
namespace {

// What the copies share: the start barrier and the first error.
class SharedRun {
 public:
  explicit SharedRun(std::size_t copies) : barrier_(static_cast<std::ptrdiff_t>(copies)) {}

  std::barrier<>& barrier() { return barrier_; }
  [[nodiscard]] bool aborted() const { return aborted_.load(std::memory_order_acquire); }

  void fail(Error error) {
    const std::lock_guard lock(mutex_);
    if (!first_error_) first_error_ = std::move(error);
    aborted_.store(true, std::memory_order_release);
  }

  std::optional<Error> first_error() {
    const std::lock_guard lock(mutex_);
    return first_error_;
  }

 private:
  std::barrier<> barrier_;
  std::atomic<bool> aborted_{false};
  std::mutex mutex_;
  std::optional<Error> first_error_;
};

// A copy leaves the barrier however its thread ends, so the others never wait for it.
class BarrierLeave {
 public:
  explicit BarrierLeave(std::barrier<>& barrier) : barrier_(barrier) {}
  BarrierLeave(const BarrierLeave&) = delete;
  BarrierLeave& operator=(const BarrierLeave&) = delete;
  ~BarrierLeave() { barrier_.arrive_and_drop(); }

 private:
  std::barrier<>& barrier_;
};

Status pin_to_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) {
    return make_error("KILN-HEPBENCH-PIN",
                      fmt::format("CPU {} is outside 0..{}", cpu, CPU_SETSIZE - 1));
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  const int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  if (rc != 0) {
    return make_error("KILN-HEPBENCH-PIN",
                      fmt::format("cannot pin a hepbench copy to CPU {}: {}", cpu,
                                  std::generic_category().message(rc)),
                      "Check that the CPU is online and in the runner's cpuset.");
  }
  return ok();
}

bool selected(const std::string& wanted, const WorkloadKind& kind, std::size_t index) {
  return wanted.empty() ? index == 0 : wanted == kind.name;
}

Expected<std::vector<std::unique_ptr<Workload>>> prepare_workloads(std::size_t copy,
                                                                   const CopyRunSpec& spec) {
  std::vector<std::unique_ptr<Workload>> prepared;
  for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
    const WorkloadKind& kind = *spec.workloads[i];
    Expected<std::unique_ptr<Workload>> made =
        spec.faults.start_failure_copy == copy &&
                selected(spec.faults.start_failure_workload, kind, i)
            ? Expected<std::unique_ptr<Workload>>(
                  workload_start_error(kind.name, "injected start failure (test)"))
            : kind.make(kind.events_per_batch);
    if (!made) {
      Error error = made.error();
      error.message = fmt::format("CPU {} (copy {}): {}", spec.cpus[copy], copy, error.message);
      return error;
    }
    prepared.push_back(std::move(*made));
  }
  return prepared;
}

WorkloadRun time_workload(Workload& workload, const WorkloadKind& kind, const CopyRunSpec& spec,
                          bool corrupt_first_batch, const SharedRun& shared) {
  WorkloadRun run;
  const std::uint64_t per_batch = kind.events_per_batch;
  const std::uint64_t batches_wanted =
      (spec.length.events_per_workload + per_batch - 1) / per_batch;  // 0 in time-box mode
  const std::chrono::nanoseconds start = spec.now();
  const std::chrono::nanoseconds deadline = start + spec.length.time_box_per_workload;
  std::chrono::nanoseconds end = start;
  do {
    std::uint64_t checksum = workload.run_batch();
    if (corrupt_first_batch && run.batches == 0) checksum ^= 1U;
    if (run.batches == 0) run.first_checksum = checksum;
    if (checksum != run.first_checksum) run.stable = false;
    if (checksum != kind.expected_checksum && run.wrong_batches++ == 0) {
      run.first_wrong_checksum = checksum;
    }
    ++run.batches;
    end = spec.now();
  } while (!shared.aborted() &&
           (batches_wanted > 0 ? run.batches < batches_wanted : end < deadline));
  run.events = run.batches * per_batch;
  run.seconds = std::chrono::duration<double>(end - start).count();
  return run;
}

void run_copy(std::size_t copy, const CopyRunSpec& spec, SharedRun& shared,
              CopyRecord& record) noexcept {
  const BarrierLeave leave(shared.barrier());
  try {
    record.cpu = spec.cpus[copy];
    // Named so that tools (top -H, /proc/PID/task/*/comm) tell the copies
    // from the runner's own threads; bench/hepbench measures the runner's share this way.
    const std::string thread_name = fmt::format("hepbench-{}", copy);
    pthread_setname_np(pthread_self(), thread_name.c_str());
    if (Status pinned = pin_to_cpu(record.cpu); !pinned) {
      shared.fail(pinned.error());
      return;
    }
    record.cpu_at_start = sched_getcpu();
    auto prepared = prepare_workloads(copy, spec);
    if (!prepared) {
      shared.fail(prepared.error());
      return;
    }
    record.runs.resize(spec.workloads.size());
    for (std::size_t i = 0; i < spec.workloads.size(); ++i) {
      shared.barrier().arrive_and_wait();  // every copy ready: start together
      if (shared.aborted()) return;
      const WorkloadKind& kind = *spec.workloads[i];
      const bool corrupt = spec.faults.wrong_result_copy == copy &&
                           selected(spec.faults.wrong_result_workload, kind, i);
      record.runs[i] = time_workload(*(*prepared)[i], kind, spec, corrupt, shared);
    }
    record.cpu_at_end = sched_getcpu();
  } catch (const std::exception& e) {
    shared.fail(
        make_error("KILN-HEPBENCH-INTERNAL",
                   fmt::format("hepbench copy on CPU {} failed: {}", record.cpu, e.what())));
  }
}

}  // namespace

MonotonicClock steady_clock_source() {
  return [] { return std::chrono::steady_clock::now().time_since_epoch(); };
}

Expected<std::vector<CopyRecord>> run_copies(const CopyRunSpec& spec) {
  const std::size_t copies = spec.cpus.size();
  SharedRun shared(copies);
  std::vector<CopyRecord> records(copies);
  std::vector<std::thread> threads;
  threads.reserve(copies);
  for (std::size_t copy = 0; copy < copies; ++copy) {
    try {
      threads.emplace_back([&, copy] { run_copy(copy, spec, shared, records[copy]); });
    } catch (const std::system_error& e) {
      shared.fail(make_error(
          "KILN-HEPBENCH-START",
          fmt::format("cannot start the thread of hepbench copy {}: {}", copy, e.what())));
      for (std::size_t missing = copy; missing < copies; ++missing) {
        shared.barrier().arrive_and_drop();  // the started copies must not wait for these
      }
      break;
    }
  }
  for (std::thread& thread : threads) thread.join();
  if (auto error = shared.first_error()) return *error;
  return records;
}

}  // namespace kiln::hepbench
