// Whether destructive work (badblocks -w/-n, fio writes) may touch a disk.
// Refused, always with the device and the reason: without the stage's
// parameter and the run's confirmation; on the boot disk or any disk holding
// a mounted filesystem, swap, or a device-mapper/RAID member; on a device with
// a partition table or filesystem signature unless allowed.
#pragma once

#include <string>

#include "disks/disk_target.hpp"
#include "host/host_adapter.hpp"

namespace kiln::runner {

struct DestructiveRequest {
  bool params_allow = false;      // the stage's parameters ask for destructive work
  bool run_confirmed = false;     // RunOptions.destructive_confirmed
  bool allow_signatures = false;  // the stage's allow_signatures parameter
  std::string what;               // "badblocks -w", "fio write jobs": for messages
};

struct SafetyVerdict {
  bool allowed = false;
  std::string reason;     // why not (names the device), or what was overridden
  std::string signature;  // blkid's TYPE/PTTYPE when one was found
};

// Reads /proc/self/mountinfo, /proc/mounts, /proc/swaps and sysfs, and runs
// `blkid -p -o export DEVICE`, all through `host`.
SafetyVerdict check_destructive(HostAdapter& host, const DiskTarget& disk,
                                const DestructiveRequest& request);

// Whole disks that hold a mounted filesystem or swap, each with what is
// mounted from it ("/dev/sda2 on /"). Exposed for tests.
std::vector<std::pair<std::string, std::string>> disks_in_use(HostAdapter& host);

}  // namespace kiln::runner
