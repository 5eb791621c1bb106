// SMART for the disk stage: a snapshot through smartctl -j (a disk without
// SMART, like a loop device, is logged, not an error), the judgement of what
// grew between two snapshots against the delivery's limits, and an optional
// self-test polled to its end.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "disks/disk_target.hpp"
#include "stage/stage.hpp"
#include "tools/smartctl.hpp"

namespace kiln::runner {

struct SmartRead {
  std::optional<tools::SmartSnapshot> snapshot;
  bool no_smart = false;  // the device has no SMART (loop, virtual): logged
  bool failed = false;    // a stage error was reported
};

SmartRead read_smart(StageContext& ctx, const DiskTarget& disk, const std::string& when);

// Health, NVMe state and the growth of watched counters, each against its
// limit; FAILs name `part` (the disk's serial and slot).
void judge_smart(StageContext& ctx, const tools::SmartSnapshot& before,
                 const tools::SmartSnapshot& after, const catalog::ComponentIdentity& part);

// Starts `smartctl -t short|long` and polls until it ends or `timeout`.
void run_self_test(StageContext& ctx, const DiskTarget& disk, tools::SmartSelfTest test,
                   std::chrono::milliseconds timeout, std::chrono::milliseconds poll,
                   const catalog::ComponentIdentity& part);

}  // namespace kiln::runner
