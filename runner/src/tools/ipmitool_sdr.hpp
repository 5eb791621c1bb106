// ipmitool sdr (elist / list / -c CSV / -v verbose) and ipmitool sensor (threshold table).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::tools {

inline constexpr std::string_view kSdrParseError = "KILN-PARSE-IPMITOOL-SDR";
inline constexpr std::string_view kSensorParseError = "KILN-PARSE-IPMITOOL-SENSOR";

// One sensor from the SDR repository listing.
struct SensorReading {
  std::string name;
  std::string id;      // sensor number as printed ("0Eh"), empty in `sdr list`
  std::string status;  // "ok", "cr", "nr", "nc", "ns", "lnr", ... (verbose statuses mapped)
  std::string entity;  // "65.1", empty in `sdr list`
  std::optional<double> value;  // numeric reading; nullopt for discrete/"no reading"
  std::string unit;             // "RPM", "degrees C" (ipmitool's stray "% " prefix removed)
  std::string reading;          // the reading column as printed
  std::string raw;              // the whole line (first line of a verbose record)
};

// One row of `ipmitool sensor`. Thresholds "na" are nullopt.
struct SensorThresholdReading {
  std::string name;
  std::optional<double> value;  // nullopt for "na" and discrete "0x0"
  std::string value_text;
  std::string unit;    // "RPM", "discrete", or empty
  std::string status;  // "ok", "cr", "nc", "nr", "na", or discrete state "0x0180"
  std::optional<double> lnr, lcr, lnc, unc, ucr, unr;
  std::string raw;
};

// ipmitool sdr elist (extended=true) or ipmitool sdr list.
std::vector<std::string> ipmitool_sdr_argv(const std::optional<IpmiLanTarget>& lan = std::nullopt,
                                           bool extended = true);
// ipmitool sensor
std::vector<std::string> ipmitool_sensor_argv(
    const std::optional<IpmiLanTarget>& lan = std::nullopt);

// Accepts, line by line: `sdr list` (name|reading|status), `sdr elist`
// (name|id|status|entity|reading), `-c` CSV (compact and full rows) and
// `sdr -v` verbose records. Lines it does not recognise (PICMG probe chatter)
// are skipped. Errors: empty output, or no sensor recognised at all.
Expected<std::vector<SensorReading>> parse_ipmitool_sdr(std::string_view text);

// Parses the 10-column `ipmitool sensor` table. Errors as above.
Expected<std::vector<SensorThresholdReading>> parse_ipmitool_sensor(std::string_view text);

// True when the BMC flags a critical/non-recoverable state ("cr", "nr",
// "lcr", "ucr", "lnr", "unr").
bool crossed_critical(const SensorReading& sensor);
// As above, or when the value is at/beyond a critical or non-recoverable
// threshold (IPMI asserts at the threshold: value >= ucr/unr or <= lcr/lnr).
bool crossed_critical(const SensorThresholdReading& sensor);

}  // namespace kiln::tools
