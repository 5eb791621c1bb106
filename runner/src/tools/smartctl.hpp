// smartctl -j: device identity and health, the exit-code bitmask, and the
// before/after comparison of the counters that show a disk wearing out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kSmartParseError = "KILN-PARSE-SMARTCTL";

enum class SmartSelfTest { kShort, kLong };

// smartctl -j -a [-d TYPE] DEVICE (or -x when extended).
std::vector<std::string> smartctl_info_argv(const std::string& device, bool extended = false,
                                            const std::string& device_type = {});
// smartctl -j -t short|long [-d TYPE] DEVICE
std::vector<std::string> smartctl_self_test_argv(const std::string& device, SmartSelfTest test,
                                                 const std::string& device_type = {});

// smartctl's exit status is a bitmask (man smartctl, EXIT STATUS).
struct SmartctlExit {
  int raw = 0;
  bool command_line_error = false;        // bit 0
  bool device_open_failed = false;        // bit 1
  bool smart_command_failed = false;      // bit 2 (or checksum error)
  bool disk_failing = false;              // bit 3: health status FAILED
  bool prefail_below_threshold = false;   // bit 4
  bool below_threshold_in_past = false;   // bit 5
  bool error_log_has_errors = false;      // bit 6
  bool self_test_log_has_errors = false;  // bit 7
  // Bits 0-1: smartctl could not talk to the disk at all (a harness problem).
  [[nodiscard]] bool no_data() const { return command_line_error || device_open_failed; }
};
SmartctlExit decode_smartctl_exit(int status);
// "exit 216: disk failing (health FAILED); prefail attribute at/below threshold; ..." or "exit 0:
// ok".
std::string describe(const SmartctlExit& exit);

struct SmartAtaAttribute {
  int id = 0;
  std::string name;
  int value = 0;
  int worst = 0;
  int thresh = 0;
  std::uint64_t raw_value = 0;  // raw.value, may pack several fields (see raw_count)
  std::string raw_string;       // raw.string, e.g. "2111 (12437 0)"
  std::string when_failed;      // "", "now", "past"
  bool prefailure = false;
  // The counter a human reads: the leading number of raw.string when it has
  // one, else raw.value (raw.value of id 196 can be 53416508262463 for "2111 (...)").
  [[nodiscard]] std::uint64_t raw_count() const;
};

struct SmartNvmeHealth {  // nvme_smart_health_information_log
  std::optional<std::uint64_t> critical_warning;
  std::optional<std::uint64_t> temperature;
  std::optional<std::uint64_t> available_spare;
  std::optional<std::uint64_t> available_spare_threshold;
  std::optional<std::uint64_t> percentage_used;
  std::optional<std::uint64_t> data_units_read;
  std::optional<std::uint64_t> data_units_written;
  std::optional<std::uint64_t> power_on_hours;
  std::optional<std::uint64_t> unsafe_shutdowns;
  std::optional<std::uint64_t> media_errors;
  std::optional<std::uint64_t> num_err_log_entries;
};

struct SmartScsiErrorCounters {  // scsi_error_counter_log.*.total_uncorrected_errors
  std::optional<std::uint64_t> read_uncorrected;
  std::optional<std::uint64_t> write_uncorrected;
  std::optional<std::uint64_t> verify_uncorrected;
};

struct SmartSelfTestSummary {
  std::string current_status;  // "completed without error", "No self-test in progress"
  std::optional<bool> current_passed;
  std::optional<int> remaining_percent;  // of a test in progress
  int logged = 0;                        // entries in the self-test log
  int logged_failed = 0;                 // entries that did not pass
  std::string last_type;                 // most recent entry: "Extended offline"
  std::string last_result;               // "Completed: read failure"
  std::optional<bool> last_passed;
};

struct SmartMessage {
  std::string text;
  std::string severity;  // "information", "warning", "error"
};

struct SmartSnapshot {
  std::string device_name;  // "/dev/sda"
  std::string device_type;  // "sat", "nvme", "scsi", "sat+megaraid,14"
  std::string protocol;     // "ATA", "NVMe", "SCSI"
  std::string model;        // model_name, or SCSI vendor+product; never whitespace-collapsed
  std::string serial;
  std::string firmware;
  std::optional<std::uint64_t> capacity_bytes;
  std::optional<std::uint64_t> rotation_rate;  // 0 = SSD
  std::optional<bool> smart_available;
  std::optional<bool> smart_enabled;
  std::optional<bool> health_passed;  // smart_status.passed
  std::optional<int> exit_status;     // smartctl.exit_status as recorded in the JSON
  std::optional<std::uint64_t> temperature_c;
  std::optional<std::uint64_t> power_on_hours;
  std::map<int, SmartAtaAttribute> ata_attributes;  // by id
  std::optional<std::uint64_t> ata_error_count;     // ata_smart_error_log summary/extended count
  std::optional<SmartNvmeHealth> nvme;
  std::optional<std::uint64_t> scsi_grown_defects;
  std::optional<SmartScsiErrorCounters> scsi_errors;
  SmartSelfTestSummary self_test;
  std::vector<SmartMessage> messages;
};

// Parses smartctl -j output (smartctl 6.7 to 7.4 layouts; the "smartctl"
// header object is optional). The exit code is independent: decode it with
// decode_smartctl_exit. Errors: empty/non-JSON output (truncated?).
Expected<SmartSnapshot> parse_smartctl_json(std::string_view text);

// One watched counter compared between two snapshots of the same disk.
struct SmartCounterChange {
  std::string counter;  // "5 Reallocated_Sector_Ct", "nvme media_errors", "scsi grown_defects"
  std::uint64_t before = 0;
  std::uint64_t after = 0;
  bool worse = false;  // moved in the failing direction (spare: down; warning: new bits; else up)
};

struct SmartDelta {
  std::vector<SmartCounterChange> changes;  // every watched counter present in both
  bool health_became_failed = false;        // passed before, not passed after
  [[nodiscard]] bool worsened() const;
  [[nodiscard]] std::vector<SmartCounterChange> worsened_counters() const;
};

// Watched: ATA 5, 196, 197, 198, 199 (raw_count); NVMe critical_warning,
// media_errors, num_err_log_entries, available_spare, percentage_used; SCSI
// grown defects and uncorrected read/write/verify totals.
SmartDelta diff(const SmartSnapshot& before, const SmartSnapshot& after);

}  // namespace kiln::tools
