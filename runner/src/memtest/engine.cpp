// run_memtest(): size, place, map, run the workers, report.
#include <sched.h>

#include <algorithm>
#include <thread>

#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"
#include "memtest/region_runner.hpp"
#include "memtest/topology.hpp"
#include "memtest/worker_set.hpp"

namespace kiln::memtest {

namespace {

constexpr std::size_t kStreamingMinBytes = 64ULL << 20;  // below this the caches hold it all
constexpr std::size_t kHugeRegionMinBytes = 64ULL << 20;

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  if (cpus.empty()) {
    const unsigned n = std::max(1U, std::thread::hardware_concurrency());
    for (unsigned cpu = 0; cpu < n; ++cpu) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

Expected<std::uint64_t> test_size(const MemtestOptions& options, const MemtestHost& host,
                                  std::uint64_t& mem_available) {
  if (options.bytes != 0) return options.bytes;
  if (!host.read_file) {
    return make_error("memtest-no-memavailable", "no host reader to size the memory test");
  }
  auto meminfo = host.read_file("/proc/meminfo");
  if (!meminfo) return meminfo.error();
  auto available = parse_mem_available(*meminfo);
  if (!available) return available.error();
  mem_available = *available;
  if (*available <= options.reserve_bytes) {
    return make_error("memtest-too-small",
                      "MemAvailable (" + std::to_string(*available >> 20) +
                          " MiB) does not exceed the reserve (" +
                          std::to_string(options.reserve_bytes >> 20) + " MiB)",
                      "lower memory.reserve");
  }
  return *available - options.reserve_bytes;
}

// Physical addresses and DIMM labels of the records, with notes on what was
// not available.
void locate_faults(std::vector<FaultRecord>& faults, const MemtestOptions& options,
                   const MemtestHost& host, std::vector<std::string>& notes) {
  if (faults.empty()) return;
  const std::uint64_t page = system_page_size();
  std::string pagemap_problem;
  for (auto& fault : faults) {
    if (!host.read_pagemap) {
      pagemap_problem = "no pagemap reader given";
      break;
    }
    auto entry = host.read_pagemap(fault.virtual_address / page);
    if (!entry) {
      pagemap_problem = entry.error().message;
      continue;
    }
    fault.physical_address = decode_pagemap_entry(*entry, fault.virtual_address, page);
    if (fault.physical_address == 0) {
      pagemap_problem = "pagemap gives no frame numbers (needs CAP_SYS_ADMIN)";
    }
  }
  if (!pagemap_problem.empty()) notes.push_back("physical addresses unknown: " + pagemap_problem);
  const DimmMap dimms = DimmMap::load(host, options.dimm_ranges);
  for (auto& fault : faults) fault.dimm = dimms.label_for(fault.physical_address);
  notes.push_back(dimms.describe());
}

}  // namespace

Expected<MemtestReport> run_memtest(const MemtestOptions& options, const MemtestHooks& hooks) {
  if (options.passes == 0 && options.time_limit.count() <= 0) {
    return make_error("memtest-bad-option", "memory test with neither passes nor a time limit",
                      "set memory.passes or memory.time_limit");
  }
  auto patterns = resolve_patterns(options.patterns);
  if (!patterns) return patterns.error();
  auto kernels = select_kernels(options.isa);
  if (!kernels) return kernels.error();

  MemtestReport report;
  auto total = test_size(options, hooks.host, report.mem_available);
  if (!total) return total.error();
  const std::vector<NumaNode> nodes = discover_numa_nodes(hooks.host, allowed_cpus());
  std::size_t workers_wanted = 0;
  for (const auto& node : nodes) workers_wanted += std::max<std::size_t>(node.cpus.size(), 1);
  if (options.max_threads != 0)
    workers_wanted = std::min<std::size_t>(workers_wanted, options.max_threads);
  const std::size_t granularity = *total / workers_wanted >= kHugeRegionMinBytes
                                      ? kHugePageBytes
                                      : std::max(system_page_size(), kBlockBytes);
  auto plan = plan_regions(*total, nodes, options.max_threads, granularity);
  if (!plan) return plan.error();
  const std::size_t mapped = plan->back().offset + plan->back().bytes;
  auto memory = TestMemory::map(mapped, options.huge_pages);
  if (!memory) return memory.error();

  const Clock now = hooks.now ? hooks.now : Clock(&std::chrono::steady_clock::now);
  RunControl control;
  control.stop = hooks.stop;
  control.now = now;
  control.inject = hooks.inject ? &hooks.inject : nullptr;
  control.streaming = mapped >= kStreamingMinBytes;
  control.stream_updates = options.stream_updates;
  const auto start = now();
  if (options.time_limit.count() > 0) control.deadline = start + options.time_limit;

  WorkerSet workers(*plan, memory->words(), options, **kernels, *patterns, control);
  workers.start();
  std::uint64_t planned = 0;
  for (const PatternDef* p : *patterns) planned += 2ULL * p->states * mapped;
  planned *= options.passes;
  workers.wait(
      [&](std::uint64_t processed, std::uint64_t mismatches) {
        if (!hooks.on_progress) return;
        Progress progress;
        progress.bytes_processed = processed;
        progress.mismatches = mismatches;
        progress.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now() - start);
        double fraction =
            planned > 0 ? static_cast<double>(processed) / static_cast<double>(planned) : 0.0;
        if (options.time_limit.count() > 0) {
          fraction = std::max(fraction, static_cast<double>(progress.elapsed.count()) /
                                            static_cast<double>(options.time_limit.count()));
        }
        progress.fraction = std::min(fraction, 1.0);
        if (progress.fraction > 0) {
          progress.eta = std::chrono::milliseconds(
              static_cast<std::int64_t>(static_cast<double>(progress.elapsed.count()) *
                                        (1.0 - progress.fraction) / progress.fraction));
        }
        hooks.on_progress(progress);
      },
      options.progress_interval);
  if (auto failed = workers.failure()) return *failed;

  report.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now() - start);
  report.bytes_tested = mapped;
  report.isa = std::string(to_string((*kernels)->isa));
  report.huge_pages = memory->huge_pages();
  for (const PatternDef* p : *patterns) report.patterns.emplace_back(p->name);
  FaultLog merged(options.max_fault_records);
  workers.collect(report, merged);
  report.stopped_early = (hooks.stop != nullptr && hooks.stop->load()) ||
                         (options.passes > 0 && report.passes_completed < options.passes);
  report.faults = merged.records();
  report.mismatches = merged.mismatches();
  report.dropped_records = merged.unrecorded();
  locate_faults(report.faults, options, hooks.host, report.notes);
  return report;
}

}  // namespace kiln::memtest
