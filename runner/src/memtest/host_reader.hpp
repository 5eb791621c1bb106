// The memory engine's seam to the host: the only files it reads (MemAvailable,
// NUMA node CPU lists, EDAC sysfs) and /proc/self/pagemap entries come through
// these hooks. The memory stage adapts its HostAdapter; tests pass fakes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::memtest {

struct MemtestHost {
  // Whole text of a host file ("/proc/meminfo", "/sys/...").
  std::function<Expected<std::string>(std::string_view path)> read_file;
  // Sorted entry names of a host directory.
  std::function<Expected<std::vector<std::string>>(std::string_view path)> list_dir;
  // The raw 64-bit /proc/self/pagemap entry of virtual page `page_index`.
  // Optional: when empty, physical addresses are reported as unknown.
  std::function<Expected<std::uint64_t>(std::uint64_t page_index)> read_pagemap;
};

// Physical address of `virtual_address` from its pagemap entry: bit 63
// "present", bits 0-54 the page frame number. Since Linux 4.0 the PFN reads
// as 0 without CAP_SYS_ADMIN: that, a swapped or absent page give 0 (unknown).
std::uint64_t decode_pagemap_entry(std::uint64_t entry, std::uintptr_t virtual_address,
                                   std::uint64_t page_size);

// A pagemap reader for this process (pread on /proc/self/pagemap), for the
// memory stage to inject. Safe to call from several threads.
std::function<Expected<std::uint64_t>(std::uint64_t page_index)> system_pagemap_reader();

}  // namespace kiln::memtest
