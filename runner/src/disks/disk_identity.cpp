#include "disks/disk_identity.hpp"

#include <fmt/format.h>

#include <vector>

namespace kiln::runner {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// "0000:3b:00.0": domain, bus, device, function.
bool is_pci_address(std::string_view s) {
  if (s.size() != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 4 || i == 7 || i == 10) continue;
    if (std::isxdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  return true;
}

// The /sys/bus/pci/slots entry whose address is the device's ("0000:3b:00").
std::string pci_slot_of(HostAdapter& host, std::string_view pci) {
  auto slots = host.list_dir("/sys/bus/pci/slots");
  if (!slots) return {};
  const std::string_view device = pci.substr(0, 10);
  for (const auto& slot : *slots) {
    if (read_trimmed(host, "/sys/bus/pci/slots/" + slot + "/address") == device) return slot;
  }
  return {};
}

std::string basename_of(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

std::string disk_location(HostAdapter& host, std::string_view sysfs_link) {
  std::string pci;
  std::string ata;
  for (auto seg : segments(sysfs_link)) {
    if (seg == "virtual") return {};
    if (is_pci_address(seg)) pci = std::string(seg);  // the last one: the disk's controller
    if (seg.starts_with("ata") && seg.size() > 3 &&
        seg.find_first_not_of("0123456789", 3) == std::string_view::npos) {
      ata = std::string(seg.substr(3));
    }
  }
  if (!pci.empty()) {
    if (auto slot = pci_slot_of(host, pci); !slot.empty()) return "slot " + slot;
  }
  if (!ata.empty()) return "ATA port " + ata;
  if (!pci.empty()) return "PCI " + pci;
  return {};
}

catalog::ComponentIdentity disk_identity(HostAdapter& host, const DiskTarget& disk) {
  catalog::ComponentIdentity id;
  id.kind = "disk";
  id.name = disk.whole_disk.empty() ? disk.name : disk.whole_disk;
  id.device = disk.path;
  id.serial = disk.sysfs_serial;
  const std::string sys = "/sys/class/block/" + id.name;
  // SCSI/SATA: device/model and device/rev; NVMe: the controller's model and firmware_rev.
  id.model = read_trimmed(host, sys + "/device/model");
  id.firmware = read_trimmed(host, sys + "/device/firmware_rev");
  if (id.firmware.empty()) id.firmware = read_trimmed(host, sys + "/device/rev");
  if (auto link = host.read_link(sys)) id.location = disk_location(host, *link);
  if (disk.virtual_device && id.name.starts_with("loop")) {
    if (id.model.empty()) id.model = "loop device";
    if (id.serial.empty()) id.serial = basename_of(read_trimmed(host, sys + "/loop/backing_file"));
  }
  return id;
}

std::vector<catalog::ComponentIdentity> disk_identities(HostAdapter& host,
                                                        const std::vector<std::string>& paths) {
  std::vector<catalog::ComponentIdentity> out;
  for (const auto& path : paths) {
    if (auto disk = resolve_disk(host, path)) out.push_back(disk_identity(host, *disk));
  }
  return out;
}

}  // namespace kiln::runner
