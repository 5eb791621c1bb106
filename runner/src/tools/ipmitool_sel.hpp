// ipmitool sel elist / sel list (also -c CSV and `sel get` verbose records), and
// how much kiln cares about each event.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::tools {

inline constexpr std::string_view kSelParseError = "KILN-PARSE-IPMITOOL-SEL";

struct SelEntry {
  std::string id;         // record id in hex as printed ("1a", "0000")
  std::string date;       // "06/29/2021", or "Pre-Init" before the BMC clock was set
  std::string time;       // "08:18:06", or the Pre-Init tick count "0000000085"
  std::string sensor;     // sensor type and name: "Power Supply PS1 Status", "Memory #0x2b"
  std::string event;      // "Failure detected ()"; for OEM records the remaining columns
  std::string direction;  // "Asserted", "Deasserted", or empty (OEM records)
  std::string raw;        // the line as printed
};

enum class SelSeverity { kInfo, kWarning, kCritical };

// ipmitool [lan options] [-c] sel elist|list
std::vector<std::string> ipmitool_sel_argv(const std::optional<IpmiLanTarget>& lan = std::nullopt,
                                           bool extended = true, bool csv = false);

// Parses `sel elist`, `sel list`, their `-c` CSV forms and `sel get` verbose
// records. "##" annotation lines and unrecognised lines are skipped.
// "SEL has no entries" gives an empty vector. Errors: empty output, or text
// where no entry is recognised.
Expected<std::vector<SelEntry>> parse_ipmitool_sel(std::string_view text);

// critical: uncorrectable ECC / memory errors, PSU failure, processor IERR or
// thermal trip, machine check, fan failure or lower-critical, any
// "critical"/"non-recoverable" threshold crossing (not "non-critical").
// warning: correctable ECC (incl. logging limit), chassis intrusion, redundancy
// lost/degraded, AC lost, non-critical thresholds, predictive failure.
// info: anything else, and every deassertion (the condition went away).
SelSeverity classify_sel_entry(const SelEntry& entry);
std::string_view to_string(SelSeverity severity);

}  // namespace kiln::tools
