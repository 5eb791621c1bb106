// Which logical CPUs the hepbench copies run on.
//
// The engine never reads /sys itself: the caller passes a reader (the host
// adapter's read(path), or a fake in tests) and gets a CPU list back.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::hepbench {

// Reads a file's text; std::nullopt when it cannot be read.
using SysfsReader = std::function<std::optional<std::string>(const std::string& path)>;

inline constexpr std::string_view kOnlineCpusPath = "/sys/devices/system/cpu/online";
// Per-CPU siblings file: "/sys/devices/system/cpu/cpu<N>/topology/thread_siblings_list".
std::string thread_siblings_path(int cpu);

enum class CopyPlacement {
  kPerLogicalCpu,    // one copy on every online logical CPU (the default)
  kPerPhysicalCore,  // one copy per core, on the lowest-numbered of its SMT siblings
  kFixedCount,       // `count` copies on the first online CPUs, wrapping around
};

struct CopyPolicy {
  CopyPlacement placement = CopyPlacement::kPerLogicalCpu;
  std::size_t count = 0;  // for kFixedCount, >= 1
};

// Parses a kernel CPU list such as "0-3,8,10-11\n" into ascending ids.
// Errors on empty lists, malformed ranges and ids above 65535.
Expected<std::vector<int>> parse_cpu_list(std::string_view text);

// The CPU of each copy, in copy order.
Expected<std::vector<int>> plan_copy_cpus(const CopyPolicy& policy, const SysfsReader& read);

}  // namespace kiln::hepbench
