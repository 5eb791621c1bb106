#include "tools/ipmitool_bmc_config.hpp"

#include <fmt/format.h>

#include "tools/text_scan.hpp"

namespace kiln::tools {
namespace {

Error parse_error(std::string message) {
  return make_error(std::string(kIpmiConfigParseError), std::move(message),
                    "run the ipmitool command by hand: the BMC may not support it");
}

std::optional<bool> boolean(std::string_view token) {
  if (token == "true") return true;
  if (token == "false") return false;
  return std::nullopt;
}

std::vector<std::string> with(const Lan& lan, std::initializer_list<std::string> rest) {
  auto argv = ipmitool_prefix(lan);
  argv.insert(argv.end(), rest);
  return argv;
}

}  // namespace

Expected<std::vector<IpmiUser>> parse_ipmitool_user_list(std::string_view text) {
  std::vector<IpmiUser> users;
  bool header = false;
  for (auto line : scan::lines(text)) {
    auto toks = scan::tokens(line);
    if (toks.empty()) continue;
    if (toks[0] == "ID" && scan::icontains(line, "Priv")) {
      header = true;
      continue;
    }
    if (!header || !scan::all_digits(toks[0])) continue;
    // ID, name (0..n tokens), three booleans, privilege (1..n tokens).
    std::size_t first_bool = 1;
    while (first_bool < toks.size() && !boolean(toks[first_bool])) ++first_bool;
    if (first_bool + 3 > toks.size()) continue;  // truncated row
    auto b0 = boolean(toks[first_bool]);
    auto b1 = boolean(toks[first_bool + 1]);
    auto b2 = boolean(toks[first_bool + 2]);
    if (!b0 || !b1 || !b2) continue;
    IpmiUser u;
    u.id = static_cast<int>(scan::to_int(toks[0]).value_or(0));
    for (std::size_t i = 1; i < first_bool; ++i)
      u.name += (i > 1 ? " " : "") + std::string(toks[i]);
    u.callin = *b0;
    u.link_auth = *b1;
    u.ipmi_msg = *b2;
    for (std::size_t i = first_bool + 3; i < toks.size(); ++i)
      u.privilege += (i > first_bool + 3 ? " " : "") + std::string(toks[i]);
    users.push_back(std::move(u));
  }
  if (!header) return parse_error("ipmitool user list: no \"ID  Name ... Priv Limit\" header");
  if (users.empty()) return parse_error("ipmitool user list: no user rows");
  return users;
}

std::optional<bool> parse_ipmitool_user_enabled(std::string_view text) {
  for (auto line : scan::lines(text)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!scan::iequals(scan::trim(line.substr(0, colon)), "Enable Status")) continue;
    auto value = scan::to_lower(scan::trim(line.substr(colon + 1)));
    if (value == "enabled") return true;
    if (value == "disabled") return false;
  }
  return std::nullopt;
}

Expected<int> parse_ipmitool_enabled_user_count(std::string_view text) {
  for (auto line : scan::lines(text)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = scan::trim(line.substr(0, colon));
    if (key != "Enabled User Count" && key != "Enabled User IDs") continue;
    if (auto n = scan::to_int(scan::trim(line.substr(colon + 1)))) return static_cast<int>(*n);
  }
  return parse_error("ipmitool user summary: no \"Enabled User Count\" line");
}

Expected<std::map<std::string, std::string>> parse_ipmitool_lan_print(std::string_view text) {
  std::map<std::string, std::string> fields;
  for (auto line : scan::lines(text)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || line.starts_with(" ")) continue;
    auto key = scan::trim(line.substr(0, colon));
    if (key.empty()) continue;
    fields.emplace(std::string(key), std::string(scan::trim(line.substr(colon + 1))));
  }
  if (!fields.contains("IP Address") && !fields.contains("IP Address Source")) {
    return parse_error(
        "ipmitool lan print: no \"IP Address\" line (channel is not a LAN channel?)");
  }
  return fields;
}

Expected<long long> parse_ipmitool_sel_entries(std::string_view text) {
  for (auto line : scan::lines(text)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (scan::trim(line.substr(0, colon)) != "Entries") continue;
    if (auto n = scan::to_int(scan::trim(line.substr(colon + 1)))) return *n;
  }
  return parse_error("ipmitool sel info: no \"Entries : N\" line");
}

std::vector<std::string> ipmitool_user_list_argv(const Lan& lan, int channel) {
  return with(lan, {"user", "list", std::to_string(channel)});
}
std::vector<std::string> ipmitool_channel_getaccess_argv(const Lan& lan, int channel, int user) {
  return with(lan, {"channel", "getaccess", std::to_string(channel), std::to_string(user)});
}
std::vector<std::string> ipmitool_user_summary_argv(const Lan& lan, int channel) {
  return with(lan, {"user", "summary", std::to_string(channel)});
}
std::vector<std::string> ipmitool_mc_info_argv(const Lan& lan) {
  return with(lan, {"mc", "info"});
}
std::vector<std::string> ipmitool_user_set_name_argv(const Lan& lan, int user,
                                                     const std::string& name) {
  return with(lan, {"user", "set", "name", std::to_string(user), name});
}
std::vector<std::string> ipmitool_user_set_password_argv(const Lan& lan, int user,
                                                         const std::string& password) {
  return with(lan, {"user", "set", "password", std::to_string(user), password});
}
std::vector<std::string> ipmitool_user_disable_argv(const Lan& lan, int user) {
  return with(lan, {"user", "disable", std::to_string(user)});
}
std::vector<std::string> ipmitool_user_priv_argv(const Lan& lan, int user, int privilege,
                                                 int channel) {
  return with(lan, {"user", "priv", std::to_string(user), std::to_string(privilege),
                    std::to_string(channel)});
}
std::vector<std::string> ipmitool_lan_print_argv(const Lan& lan, int channel) {
  return with(lan, {"lan", "print", std::to_string(channel)});
}
std::vector<std::string> ipmitool_lan_set_argv(const Lan& lan, int channel,
                                               const std::vector<std::string>& setting) {
  auto argv = with(lan, {"lan", "set", std::to_string(channel)});
  argv.insert(argv.end(), setting.begin(), setting.end());
  return argv;
}
std::vector<std::string> ipmitool_sel_clear_argv(const Lan& lan) {
  return with(lan, {"sel", "clear"});
}
std::vector<std::string> ipmitool_sel_info_argv(const Lan& lan) {
  return with(lan, {"sel", "info"});
}
std::vector<std::string> ipmitool_mc_reset_cold_argv(const Lan& lan) {
  return with(lan, {"mc", "reset", "cold"});
}

}  // namespace kiln::tools
