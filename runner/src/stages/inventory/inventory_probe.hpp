// What is in the machine, read through the host adapter: CPUs (/proc/cpuinfo),
// DIMMs (dmidecode type 17), disks (/sys/block), NICs (/sys/class/net).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "tools/dmidecode.hpp"

namespace kiln::runner {

struct CpuInventory {
  std::string model;
  int sockets = 0;
  int cores = 0;    // physical cores, whole machine
  int threads = 0;  // logical CPUs
  // /proc/cpuinfo "microcode" ("0x2006e05"): the lowest of all logical CPUs
  // (one stale core is enough to miss a requirement); "" when not printed.
  std::string microcode;
  bool microcode_mixed = false;  // the CPUs do not all run the same microcode
};

struct DiskInventory {
  std::string name;  // "sda", "nvme0n1"
  std::string model;
  std::string serial;
  std::uint64_t size_bytes = 0;
  bool rotational = false;
  std::string transport;  // "nvme", "sata", "sas", "virtio", "usb", "unknown"
};

struct NicInventory {
  std::string name;  // "eth0"
  std::string mac;
  std::string pci_address;  // "0000:3b:00.0"
  std::string driver;
  std::optional<int> speed_mbps;  // negotiated; nullopt without link
  std::string operstate;
};

struct HostInventory {
  CpuInventory cpu;
  std::optional<std::uint64_t> memtotal_kib;  // /proc/meminfo
  std::vector<tools::DmiMemoryDevice> dimms;  // every slot dmidecode lists
  std::string dimm_error;                     // why dmidecode could not be read
  std::vector<DiskInventory> disks;
  std::vector<NicInventory> nics;
};

// Pure parsers, exposed for tests.
CpuInventory parse_cpuinfo(std::string_view text);
std::optional<int> parse_ethtool_speed(std::string_view ethtool_output);

HostInventory probe_inventory(HostAdapter& host, const std::filesystem::path& log_dir);

}  // namespace kiln::runner
