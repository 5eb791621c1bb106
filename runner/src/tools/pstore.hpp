// Records the kernel left in pstore (/sys/fs/pstore) before the node went
// down: dmesg-efi-* (UEFI variables), dmesg-ramoops-* (reserved RAM),
// dmesg-erst-* (ACPI ERST). Each is the tail of the kernel log with a header
// ("Panic#1 Part1", "Oops#2 Part1"). The parser finds what a technician
// needs first: the panic line ("Kernel panic - not syncing: Fatal machine
// check"), or the oops/BUG line, and the machine-check lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kPstoreRoot = "/sys/fs/pstore";
inline constexpr std::string_view kPstoreParseError = "KILN-PARSE-PSTORE";

struct PstoreRecord {
  std::string file;      // "dmesg-efi-170165478901001"
  std::string reason;    // from the header: "Panic", "Oops", "Emergency", "Unknown"
  std::string headline;  // the panic / oops / BUG line, without level and time stamp
  std::vector<std::string> machine_checks;  // "mce: [Hardware Error]: ..." lines (at most 4)
};

// Whether a /sys/fs/pstore file name is a kernel log record kiln reads
// (dmesg-*; compressed "*.enc.z" records are not, console-/pmsg- neither).
bool is_pstore_dmesg_record(std::string_view file_name);

// Parses one record. Errors: an empty file, or text with no kernel log line.
Expected<PstoreRecord> parse_pstore_record(std::string_view file_name, std::string_view text);

}  // namespace kiln::tools
