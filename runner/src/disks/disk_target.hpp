// A target disk as the kernel knows it: the path given with --disk resolved to
// its kernel name, its whole disk when it is a partition, and what sysfs says
// about it (rotational, serial, virtual).
#pragma once

#include <optional>
#include <string>

#include "host/host_adapter.hpp"

namespace kiln::runner {

struct DiskTarget {
  std::string path;        // as given: "/dev/sdb", "/dev/disk/by-id/..."
  std::string name;        // kernel name: "sdb", "nvme0n1p2", "loop3"
  std::string whole_disk;  // the disk a partition belongs to, else `name`
  bool partition = false;
  bool virtual_device = false;     // loop, ram, dm, md: no SMART
  std::optional<bool> rotational;  // queue/rotational of the whole disk
  std::string sysfs_serial;        // device/serial or serial, when sysfs has one
};

// Kernel name of /dev/X (following /dev/disk/by-* links), or of "X" itself.
std::string kernel_name_of(HostAdapter& host, const std::string& path);

// The whole disk `name` belongs to ("sda1" -> "sda", "nvme0n1p2" -> "nvme0n1").
std::string whole_disk_of(HostAdapter& host, const std::string& name);

// Errors when the kernel has no block device of that name.
Expected<DiskTarget> resolve_disk(HostAdapter& host, const std::string& path);

}  // namespace kiln::runner
