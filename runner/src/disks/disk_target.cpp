#include "disks/disk_target.hpp"

#include <fmt/format.h>

namespace kiln::runner {
namespace {

std::string basename_of(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

std::string kernel_name_of(HostAdapter& host, const std::string& path) {
  std::string current = path;
  for (int depth = 0; depth < 8; ++depth) {  // /dev/disk/by-id/x -> ../../sdb
    auto target = host.read_link(current);
    if (!target) break;
    if (target->starts_with("/")) {
      current = *target;
    } else {
      auto slash = current.rfind('/');
      current =
          (slash == std::string::npos ? std::string() : current.substr(0, slash + 1)) + *target;
    }
  }
  return basename_of(current);
}

std::string whole_disk_of(HostAdapter& host, const std::string& name) {
  std::string sys = "/sys/class/block/" + name;
  if (!host.exists(sys + "/partition")) return name;
  // /sys/class/block/sda1 -> ../../devices/.../block/sda/sda1: the parent folder is the disk.
  auto link = host.read_link(sys);
  if (!link) return name;
  std::string_view target = *link;
  auto last = target.rfind('/');
  if (last == std::string_view::npos || last == 0) return name;
  return basename_of(target.substr(0, last));
}

Expected<DiskTarget> resolve_disk(HostAdapter& host, const std::string& path) {
  DiskTarget d;
  d.path = path;
  d.name = kernel_name_of(host, path);
  if (d.name.empty() || !host.exists("/sys/class/block/" + d.name)) {
    return make_error(
        "KILN-DISK-UNKNOWN",
        fmt::format("{} is not a block device the kernel knows (no /sys/class/block/{})", path,
                    d.name),
        "check the --disk argument against lsblk");
  }
  d.whole_disk = whole_disk_of(host, d.name);
  d.partition = d.whole_disk != d.name;
  std::string sys = "/sys/class/block/" + d.whole_disk;
  if (auto link = host.read_link(sys))
    d.virtual_device = link->find("/virtual/") != std::string::npos;
  std::string rot = read_trimmed(host, sys + "/queue/rotational");
  if (rot == "0" || rot == "1") d.rotational = rot == "1";
  d.sysfs_serial = read_trimmed(host, sys + "/device/serial");
  if (d.sysfs_serial.empty()) d.sysfs_serial = read_trimmed(host, sys + "/serial");
  if (d.sysfs_serial.empty()) {  // SCSI/SATA: VPD page 0x80, a 4-byte header then the serial
    auto vpd = host.read_file(sys + "/device/vpd_pg80");
    if (vpd && vpd->size() > 4) {
      std::string serial;
      for (char c : vpd->substr(4)) {
        if (c >= 0x21 && c <= 0x7e) serial += c;
      }
      d.sysfs_serial = serial;
    }
  }
  return d;
}

}  // namespace kiln::runner
