// Firmware versions as a delivery may require them (the `firmware:` key of a
// delivery file), and how two version strings are ordered. The runner judges
// a node against these; the orchestrator orders a delivery's values with the
// same comparison.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

// Orders vendor version strings: digit runs compare as numbers, "0x…" hex
// runs as hex numbers, other text case-insensitively; separators ('.', '-',
// '_', ' ', ',', '/') only split. "2.17.1" > "2.12.0", "2.9" < "2.10",
// "0x2007006" > "0x2006e05", "U46 v2.80" < "U46 v2.90". Returns <0, 0, >0.
int compare_versions(std::string_view a, std::string_view b);

// One version rule: exactly `version`, or at least `min` (by compare_versions).
struct VersionRule {
  std::optional<std::string> exact;
  std::optional<std::string> min;
  // Whether `found` satisfies the rule (an empty `found` never does).
  [[nodiscard]] bool met_by(std::string_view found) const;
  // "= 2.17.1" or ">= 2.17.0".
  [[nodiscard]] std::string describe() const;
};

// What a delivery requires of each node's firmware. Unset = not checked.
struct FirmwareRequirements {
  std::optional<VersionRule> bios;  // dmidecode type 0 "Version"
  std::optional<VersionRule> bmc;   // `ipmitool mc info` "Firmware Revision"
  // By disk model: each disk whose model contains the key must satisfy the rule.
  std::map<std::string, VersionRule> disks;
  // By NIC: the key is the driver (`ethtool -i` "driver", e.g. "i40e") or the
  // PCI id "vendor:device" ("8086:1572"); each matching NIC's firmware-version.
  std::map<std::string, VersionRule> nics;
  bool dimm_speed_at_rated = false;          // every DIMM configured at its rated speed
  std::optional<std::string> microcode_min;  // /proc/cpuinfo "microcode", every CPU
  [[nodiscard]] bool empty() const {
    return !bios && !bmc && disks.empty() && nics.empty() && !dimm_speed_at_rated && !microcode_min;
  }
};

// Canonical JSON (what the resolved config's hash covers); an empty object
// when nothing is required.
nlohmann::json to_json(const FirmwareRequirements& requirements);

}  // namespace kiln
