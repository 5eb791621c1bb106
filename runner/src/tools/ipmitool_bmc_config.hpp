// What a factory reset of the BMC reads back: `ipmitool user list CH`,
// `ipmitool channel getaccess CH ID`, `ipmitool lan print CH`,
// `ipmitool sel info`; and the argv of the changes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/expected.hpp"
#include "tools/ipmitool_target.hpp"

namespace kiln::tools {

inline constexpr std::string_view kIpmiConfigParseError = "KILN-PARSE-IPMITOOL-CONFIG";

struct IpmiUser {
  int id = 0;
  std::string name;  // "" for the anonymous/null user
  bool callin = false;
  bool link_auth = false;
  bool ipmi_msg = false;
  std::string privilege;  // "ADMINISTRATOR", "USER", "NO ACCESS", "Unknown (0x00)"
};

// Parses `ipmitool user list CH`. Errors: no header, no user rows.
Expected<std::vector<IpmiUser>> parse_ipmitool_user_list(std::string_view text);

// `ipmitool channel getaccess CH ID` -> "Enable Status" ("enabled"/"disabled"),
// nullopt when this ipmitool does not print it.
std::optional<bool> parse_ipmitool_user_enabled(std::string_view text);

// `ipmitool user summary CH`: "Enabled User Count" (or "Enabled User IDs").
Expected<int> parse_ipmitool_enabled_user_count(std::string_view text);

// `ipmitool lan print CH`: "Key : value" lines, keys as printed
// ("IP Address Source" -> "DHCP Address", "IP Address" -> "0.0.0.0").
Expected<std::map<std::string, std::string>> parse_ipmitool_lan_print(std::string_view text);

// `ipmitool sel info`: the "Entries" count.
Expected<long long> parse_ipmitool_sel_entries(std::string_view text);

using Lan = std::optional<IpmiLanTarget>;
std::vector<std::string> ipmitool_user_list_argv(const Lan& lan, int channel);
std::vector<std::string> ipmitool_channel_getaccess_argv(const Lan& lan, int channel, int user);
std::vector<std::string> ipmitool_user_summary_argv(const Lan& lan, int channel);
std::vector<std::string> ipmitool_mc_info_argv(const Lan& lan);
std::vector<std::string> ipmitool_user_set_name_argv(const Lan& lan, int user,
                                                     const std::string& name);
std::vector<std::string> ipmitool_user_set_password_argv(const Lan& lan, int user,
                                                         const std::string& password);
std::vector<std::string> ipmitool_user_disable_argv(const Lan& lan, int user);
// Privilege 15 = NO ACCESS on the channel.
std::vector<std::string> ipmitool_user_priv_argv(const Lan& lan, int user, int privilege,
                                                 int channel);
std::vector<std::string> ipmitool_lan_print_argv(const Lan& lan, int channel);
// `ipmitool lan set CH KEY VALUE...`, e.g. {"ipsrc","dhcp"}, {"defgw","ipaddr","0.0.0.0"}.
std::vector<std::string> ipmitool_lan_set_argv(const Lan& lan, int channel,
                                               const std::vector<std::string>& setting);
std::vector<std::string> ipmitool_sel_clear_argv(const Lan& lan);
std::vector<std::string> ipmitool_sel_info_argv(const Lan& lan);
std::vector<std::string> ipmitool_mc_reset_cold_argv(const Lan& lan);

}  // namespace kiln::tools
