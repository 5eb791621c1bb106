// dmidecode: BIOS (type 0), system identity, processors (type 4) and memory
// devices (type 17).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kDmiParseError = "KILN-PARSE-DMIDECODE";

struct DmiBios {  // type 0
  std::string vendor;        // "Dell Inc."
  std::string version;       // "2.6.4", "P71", "S2S_3A14"
  std::string release_date;  // as printed: "04/09/2020"
  std::string bios_revision;      // "BIOS Revision: 2.6" (SMBIOS 2.4+), "" when not printed
  std::string firmware_revision;  // embedded controller, "" when not printed
  bool present = false;           // a type 0 record was seen
};

struct DmiSystem {  // type 1
  std::string manufacturer;
  std::string product;
  std::string version;
  std::string serial;
  std::string uuid;
};

struct DmiBaseboard {  // type 2
  std::string manufacturer;
  std::string product;
  std::string serial;
};

struct DmiProcessor {   // type 4
  std::string socket;   // "CPU1"
  std::string version;  // "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"
  std::string manufacturer;
  std::string status;  // "Populated, Enabled"
  std::optional<int> core_count;
  std::optional<int> thread_count;
  bool populated = false;  // Status starts with "Populated"
};

struct DmiMemoryDevice {                  // type 17
  std::string locator;                    // "A1", "DIMM_A1", "PROC 1 DIMM 1"
  std::string bank_locator;               // "Not Specified"
  std::string size_text;                  // as printed: "32 GB", "No Module Installed"
  std::optional<std::uint64_t> size_mib;  // nullopt when empty or unknown
  std::string type;                       // "DDR4", "<OUT OF SPEC>"
  std::string speed_text;                 // "2933 MHz", "2933 MT/s", "Unknown"
  std::optional<int> speed_mts;           // the rated (maximum) speed
  // "Configured Memory Speed" (dmidecode >= 3.2) or "Configured Clock Speed" (older).
  std::string configured_speed_text;
  std::optional<int> configured_speed_mts;
  std::string manufacturer;  // may be a raw JEDEC id ("00CE00B300CE")
  std::string serial;
  std::string part_number;
  bool installed = false;  // size known and > 0
};

struct DmiInfo {
  DmiBios bios;
  DmiSystem system;
  DmiBaseboard baseboard;
  std::vector<DmiProcessor> processors;
  std::vector<DmiMemoryDevice> memory_devices;
  [[nodiscard]] std::uint64_t total_memory_mib() const;
  [[nodiscard]] std::size_t installed_dimm_count() const;
};

// dmidecode, or dmidecode -t TYPE (1 system, 2 baseboard, 4 processor, 17 memory).
std::vector<std::string> dmidecode_argv(std::optional<int> type = std::nullopt);

// Parses full or `-t N` output. Values are trimmed but placeholders are kept as
// printed (see is_placeholder_serial). Errors: empty output, or no
// "Handle 0x..., DMI type N" record.
Expected<DmiInfo> parse_dmidecode(std::string_view text);

// "8192 MB" → 8192, "16 GB" → 16384, "32 GiB" → 32768, "1 TB" → 1048576,
// "No Module Installed"/"Unknown"/"" → nullopt.
std::optional<std::uint64_t> parse_dmi_size_mib(std::string_view text);

// Vendor placeholders that are not real serials: "To Be Filled By O.E.M.",
// "Not Specified", "Default string", "0123456789", "123456789", "9876543210",
// "System Serial Number", dots/X/0/F repeated, empty, "N/A", ... (case-insensitive).
bool is_placeholder_serial(std::string_view serial);

}  // namespace kiln::tools
