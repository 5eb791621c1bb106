// kiln's native memory tester: what the memory stage calls.
//
// run_memtest() sizes the test from MemAvailable minus a reserve, maps and
// locks it (huge pages when it can), splits it per NUMA node into disjoint,
// page-aligned regions, one per thread pinned to that node's CPUs, and runs
// the selected patterns over each region at memory bandwidth. Mismatches come
// back aggregated per address, with physical address and DIMM label where the
// host exposes them. Everything the engine reads from the host goes through
// MemtestHost, so tests fake it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "memtest/dimm_map.hpp"
#include "memtest/fault_log.hpp"
#include "memtest/host_reader.hpp"
#include "memtest/run_control.hpp"
#include "memtest/sweep_kernels.hpp"
#include "memtest/test_memory.hpp"

namespace kiln::memtest {

struct MemtestOptions {
  // Bytes left to the OS when sizing from MemAvailable.
  std::uint64_t reserve_bytes = 256ULL << 20;
  // 0: MemAvailable - reserve_bytes. Otherwise exactly this many bytes
  // (rounded down to pages); tests and benchmarks use it.
  std::uint64_t bytes = 0;
  // Pattern names (see pattern_catalog()); empty: every pattern.
  std::vector<std::string> patterns;
  // Full runs of the pattern list. 0 with a time_limit: repeat until it.
  unsigned passes = 1;
  // 0: none. Otherwise the run stops at this point, mid-sweep if need be.
  std::chrono::milliseconds time_limit{0};
  unsigned max_threads = 0;  // 0: one per CPU the process may run on
  Isa isa = Isa::kAuto;
  HugePages huge_pages = HugePages::kAuto;
  bool lock_memory = true;  // mlock; failure is reported, not fatal
  // Non-temporal stores in the fused verify+write sweeps too (RunControl).
  bool stream_updates = false;
  std::size_t max_fault_records = 1024;  // distinct addresses kept
  std::uint64_t seed = 0x6b696c6e6d656dULL;
  std::chrono::milliseconds progress_interval{1000};
  // Physical ranges mapped to DIMM labels by the delivery's config.
  std::vector<DimmRange> dimm_ranges;
};

struct Progress {
  double fraction = 0.0;              // 0..1 of the planned work (or of time_limit)
  std::uint64_t bytes_processed = 0;  // written + read-and-verified so far
  std::chrono::milliseconds elapsed{0};
  std::optional<std::chrono::milliseconds> eta;  // unknown until some work is done
  std::uint64_t mismatches = 0;
};

struct MemtestHooks {
  MemtestHost host;
  std::function<void(const Progress&)> on_progress;  // called from the calling thread
  FaultInjector inject;                              // tests only
  const std::atomic<bool>* stop = nullptr;           // set to abort the run
  Clock now;                                         // default: steady_clock::now
};

struct WorkerRegion {
  int node = 0;
  int cpu = -1;  // -1: not pinned
  std::uintptr_t address = 0;
  std::size_t bytes = 0;
};

struct MemtestReport {
  // What ran.
  std::uint64_t bytes_tested = 0;
  std::uint64_t mem_available = 0;  // 0 when options.bytes was given
  std::vector<WorkerRegion> regions;
  std::string isa;         // "avx2", "sse2", "scalar"
  std::string huge_pages;  // "hugetlb", "thp", "none"
  bool memory_locked = false;
  std::vector<std::string> patterns;
  unsigned passes_completed = 0;
  bool stopped_early = false;  // time limit or stop flag before the planned passes
  // Traffic.
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_verified = 0;
  std::chrono::nanoseconds elapsed{0};
  // Of elapsed: the slowest worker's locking of its region, where the
  // kernel zeroes (and a hypervisor may first back) every page.
  std::chrono::nanoseconds setup{0};
  // Faults.
  std::vector<FaultRecord> faults;    // one per address, by address
  std::uint64_t mismatches = 0;       // every mismatching word read, counted
  std::uint64_t dropped_records = 0;  // addresses beyond max_fault_records
  // Degradations a technician should know of (no mlock, no pagemap, ...).
  std::vector<std::string> notes;
};

// Runs the test. An Error means it could not run (bad options, no memory);
// faults found are in the report, never an Error.
Expected<MemtestReport> run_memtest(const MemtestOptions& options, const MemtestHooks& hooks);

}  // namespace kiln::memtest
