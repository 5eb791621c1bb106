// Who a target disk is, as OCPTV hardwareInfo: model, serial, firmware and
// where it sits (physical PCIe slot, ATA port or PCI address), read from
// sysfs. Diagnoses name the exact disk from it; the delivery analysis groups
// disks by model. A loop device has no serial: its backing file's name stands
// for one, so a test rig of loop devices names its disks apart.
#pragma once

#include <string>
#include <vector>

#include "disks/disk_target.hpp"
#include "kiln/catalog/component.hpp"

namespace kiln::runner {

catalog::ComponentIdentity disk_identity(HostAdapter& host, const DiskTarget& disk);
// The identity of each of `paths` that is a block device (the others are left
// to the stage, which reports them).
std::vector<catalog::ComponentIdentity> disk_identities(HostAdapter& host,
                                                        const std::vector<std::string>& paths);

// Where the disk sits, from its /sys/class/block link ("../../devices/pci0000:00/
// 0000:00:17.0/ata3/host2/..."): "slot 3" when /sys/bus/pci/slots names the
// PCIe slot of its controller, else "ATA port 3", else "PCI 0000:3b:00.0"; ""
// for a virtual device.
std::string disk_location(HostAdapter& host, std::string_view sysfs_link);

}  // namespace kiln::runner
