// Running a firmware erase (NVMe sanitize/format, ATA security erase, SCSI
// sanitize/format) and removing ATA hidden areas, each command logged and
// each result read back where the device can tell.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "stage/stage.hpp"
#include "stages/disk_wipe/wipe_method.hpp"

namespace kiln::runner {

struct FirmwareEraseSettings {
  std::chrono::milliseconds timeout{std::chrono::hours(12)};
  std::chrono::milliseconds poll{std::chrono::seconds(10)};
  std::string ata_password = "kiln-wipe";
};

struct FirmwareEraseResult {
  bool ok = false;
  std::vector<std::string>
      commands;           // every command run, as text (no secrets but the ATA password)
  std::string failure;    // why not ok: for the certificate
  std::string read_back;  // "sanitize log: sstat=0x101 (completed)", "ATA security not enabled"
};

// Reports tool failures as stage errors naming the disk; never throws.
FirmwareEraseResult run_firmware_erase(StageContext& ctx, const WipeFacts& facts, WipeMethod method,
                                       const FirmwareEraseSettings& settings,
                                       const std::function<void(double)>& progress);

struct HiddenAreaResult {
  std::vector<std::string> actions;  // what was done and read back
  bool ok = true;
};

// Removes the HPA (hdparm -N p<native>) and restores the DCO when they hide
// sectors, reading -N / --dco-identify back afterwards.
HiddenAreaResult remove_hidden_areas(StageContext& ctx, const WipeFacts& facts);

}  // namespace kiln::runner
