// hdparm: the ATA Security feature set (`hdparm -I`), hidden areas (`hdparm
// -N` for the HPA, `hdparm --dco-identify` for the DCO) and the argv of the
// security-erase sequence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"

namespace kiln::tools {

inline constexpr std::string_view kHdparmParseError = "KILN-PARSE-HDPARM";

struct AtaSecurity {
  bool supported = false;
  bool enabled = false;  // a user password is set
  bool locked = false;
  bool frozen = false;   // SECURITY FREEZE LOCK issued (by the BIOS): no erase until reset
  bool expired = false;  // too many wrong passwords: power-cycle first
  bool enhanced_erase = false;
  std::optional<int> erase_minutes;           // "2min for SECURITY ERASE UNIT"
  std::optional<int> enhanced_erase_minutes;  // ">508min" reads as 508
};

struct AtaIdentity {
  std::string model;
  std::string serial;
  std::string firmware;
  std::optional<std::uint64_t> lba48_sectors;
  bool solid_state = false;  // "Nominal Media Rotation Rate: Solid State Device"
  bool hpa_feature = false;  // "Host Protected Area feature set" listed
  bool dco_feature = false;  // "Device Configuration Overlay feature set" listed
  bool sanitize_feature = false;
  std::optional<AtaSecurity> security;  // nullopt: no "Security:" section
};

// Parses `hdparm -I DEV`. Errors: no "ATA device" / Model Number header (not
// an ATA device: loop, NVMe, SCSI), or the ioctl failure hdparm printed.
Expected<AtaIdentity> parse_hdparm_identify(std::string_view text);

struct HpaState {
  std::uint64_t current_max = 0;  // sectors visible now
  std::uint64_t native_max = 0;   // sectors the drive has
  bool enabled = false;           // "HPA is enabled": current < native
  [[nodiscard]] std::uint64_t hidden_sectors() const {
    return native_max > current_max ? native_max - current_max : 0;
  }
};

// Parses `hdparm -N DEV` (" max sectors   = 1953523055/1953525168, HPA is enabled").
Expected<HpaState> parse_hdparm_max_sectors(std::string_view text);

// Parses `hdparm --dco-identify DEV`: the "Real max sectors" the DCO allows.
Expected<std::uint64_t> parse_hdparm_dco_real_max(std::string_view text);

std::vector<std::string> hdparm_identify_argv(const std::string& device);
std::vector<std::string> hdparm_max_sectors_argv(const std::string& device);
std::vector<std::string> hdparm_dco_identify_argv(const std::string& device);
// Removes the HPA permanently: hdparm --yes-i-know-what-i-am-doing -N pNATIVE DEV
std::vector<std::string> hdparm_remove_hpa_argv(const std::string& device,
                                                std::uint64_t native_max);
// Restores the DCO to factory size: hdparm --yes-i-know-what-i-am-doing --dco-restore DEV
std::vector<std::string> hdparm_dco_restore_argv(const std::string& device);
std::vector<std::string> hdparm_set_password_argv(const std::string& device,
                                                  const std::string& password);
std::vector<std::string> hdparm_security_erase_argv(const std::string& device,
                                                    const std::string& password, bool enhanced);
std::vector<std::string> hdparm_security_disable_argv(const std::string& device,
                                                      const std::string& password);

}  // namespace kiln::tools
