// HostAdapter::read_pagemap_entry: the memory engine's physical addresses
// through the host seam, so tests give it fakes like every other host read.
#include "host/host_adapter.hpp"
#include "memtest/host_reader.hpp"

namespace kiln::runner {

Expected<std::uint64_t> HostAdapter::read_pagemap_entry(std::uint64_t page_index) {
  return make_error("memtest-pagemap-unreadable",
                    "this host adapter reads no pagemap (page " + std::to_string(page_index) + ")",
                    "physical addresses of faults are reported as unknown");
}

Expected<std::uint64_t> SystemHostAdapter::read_pagemap_entry(std::uint64_t page_index) {
  // One open /proc/self/pagemap for the process; pread is safe from several threads.
  static const auto reader = memtest::system_pagemap_reader();
  return reader(page_index);
}

}  // namespace kiln::runner
