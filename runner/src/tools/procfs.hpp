// Pure parsers of the kernel's own text files that several parts read:
// /proc/meminfo (and a NUMA node's meminfo), /proc/cpuinfo's frequency lines.
// The host seam (HostAdapter::read_file) reads them; these only parse, so
// every reader agrees on the format and tests feed them real captures.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace kiln::tools {

// The value of `key` ("MemAvailable") in /proc/meminfo ("MemAvailable:  123 kB")
// or in /sys/devices/system/node/nodeN/meminfo ("Node 0 MemFree:  123 kB"), in
// KiB; nullopt when the key is absent or its value is not a number of kB.
std::optional<std::uint64_t> meminfo_kib(std::string_view text, std::string_view key);

// Every "cpu MHz" value of /proc/cpuinfo, in the order of the CPUs; lines that
// do not hold a number are left out.
std::vector<double> cpuinfo_mhz(std::string_view cpuinfo);

}  // namespace kiln::tools
