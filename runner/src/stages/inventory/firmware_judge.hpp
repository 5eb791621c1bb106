// The delivery's `firmware:` requirements judged against what a node runs:
// one check per requirement and component. A check that is not met FAILs the
// inventory stage naming the requirement, the component and both versions; a
// value that could not be read is a stage ERROR (kiln cannot tell), never a PASS.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kiln/firmware.hpp"
#include "stage/step_recorder.hpp"
#include "stages/inventory/firmware_probe.hpp"

namespace kiln::runner {

struct FirmwareCheck {
  std::string
      requirement;  // "firmware.bios", "firmware.disks.MZ7LH960", "firmware.dimm_speed_at_rated"
  std::string verdict;  // the catalog's failure code when not met: "KILN-FW-BIOS-VERSION", ...
  std::string
      component;      // "BIOS", "BMC", "CPU", "disk S3Z9 (sda)", "NIC eth0 (...)", "DIMM A1 (...)"
  std::string model;  // the disk model / NIC driver / DIMM part the rule applied to
  std::string required;  // "= 2.17.1", ">= 0x2007006", "= rated 2400 MT/s"
  std::string found;     // "2.12.0"; "" when it could not be read
  std::string rated;     // a DIMM's rated speed ("2400 MT/s"); "" for other checks
  bool met = false;
  bool readable = true;  // false: the value could not be read (see `found_error`)
  std::string found_error;
};

std::vector<FirmwareCheck> check_firmware(const FirmwareInventory& firmware,
                                          const FirmwareRequirements& requirements);

// [{"requirement", "component", "model", "required", "found", "met"}, ...]
nlohmann::json checks_json(const std::vector<FirmwareCheck>& checks);

// A FAIL diagnosis per unmet check, an error per unreadable one, one PASS
// diagnosis naming what was met when everything was.
void report_firmware_checks(StepRecorder& step, const std::vector<FirmwareCheck>& checks);

}  // namespace kiln::runner
