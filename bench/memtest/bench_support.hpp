// memtest_bench's edges: the real host seam for the engine, the CPUs the
// process may use, CPU time, and what memtester's and stressapptest's runs
// (made by run.sh) amount to in bytes moved.
#pragma once

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "memtest/memtest.hpp"
#include "memtest/patterns.hpp"

namespace bench {

inline std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

// CPU seconds this process used so far (all threads).
inline double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// This program is an edge: it may read host files.
inline kiln::memtest::MemtestHost real_host() {
  kiln::memtest::MemtestHost host;
  host.read_file = [](std::string_view path) -> kiln::Expected<std::string> {
    std::ifstream in{std::string(path)};
    if (!in) return kiln::make_error("bench-no-file", std::string(path));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  host.list_dir = [](std::string_view path) -> kiln::Expected<std::vector<std::string>> {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(std::string(path), ec)) {
      names.push_back(e.path().filename().string());
    }
    if (ec) return kiln::make_error("bench-no-dir", std::string(path));
    std::sort(names.begin(), names.end());
    return names;
  };
  host.read_pagemap = kiln::memtest::system_pagemap_reader();
  return host;
}

// A process's CPU share from /usr/bin/time -f "%e %U %S": (user + system) /
// wall; 0 when the file is absent or unreadable.
inline double cpu_share_from_time_file(const std::string& path) {
  std::ifstream in(path);
  double wall = 0, user = 0, sys = 0;
  if (!(in >> wall >> user >> sys) || wall <= 0) return 0;
  return (user + sys) / wall;
}

// MemTotal of /proc/meminfo in bytes, 0 if unreadable.
inline double mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  while (in >> key) {
    if (key == "MemTotal:") {
      in >> kib;
      return kib * 1024;
    }
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

// Bytes of each kind of sweep the engine makes per byte tested for one pass
// of `patterns`: a fill (write only), states - 1 fused verify+write sweeps
// (read and write in place), a final verify (read only).
struct SweepMix {
  double fill = 0;
  double update = 0;
  double verify = 0;
};
inline SweepMix engine_sweeps(const std::vector<std::string>& patterns) {
  SweepMix mix;
  for (const auto& name : patterns) {
    const auto* p = kiln::memtest::find_pattern(name);
    if (p == nullptr) continue;
    mix.fill += 1;
    mix.update += p->states - 1;
    mix.verify += 1;
  }
  return mix;
}

// memtester's traffic over `bytes` (both halves): per test, writes and
// reads of the whole buffer, from memtester 4.6's tests.c.
inline void memtester_traffic(double bytes, double& written, double& read) {
  const double sweeps = 16 + 1 + 1 + 64 + 256 + 64 + 128 + 512 + 128 + 128 + 2 + 2;
  written = bytes * (sweeps + 6);   // + the six compare tests' read-modify-write
  read = bytes * (sweeps + 6 * 2);  // + their RMW reads and compares
}

// "Stats: Completed: 38698.00M in 5.02s ..." and "Stats: Memory Copy: 38698.00M
// at 7737.09MB/s": MiB copied (each read, checked and written) and seconds.
inline double stressapptest_copied_mib(const std::string& path, double& seconds) {
  std::ifstream in(path);
  std::string line;
  double mib = 0;
  while (std::getline(in, line)) {
    auto at = line.find("Memory Copy: ");
    if (at != std::string::npos) mib = std::strtod(line.c_str() + at + 13, nullptr);
    at = line.find("Completed: ");
    const auto in_at = line.find("M in ");
    if (at != std::string::npos && in_at != std::string::npos) {
      seconds = std::strtod(line.c_str() + in_at + 5, nullptr);
    }
  }
  return mib;
}

}  // namespace bench
