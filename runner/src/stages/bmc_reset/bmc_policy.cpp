#include "stages/bmc_reset/bmc_policy.hpp"

#include <fmt/format.h>

#include <random>
#include <thread>

#include "stage/tool_command.hpp"
#include "stages/disk_wipe/wipe_record.hpp"

namespace kiln::runner {
namespace {

constexpr const char* kKeepUser = "keep_user";
constexpr const char* kUsers = "users";
constexpr const char* kDisabledName = "disabled_name";
constexpr const char* kSel = "sel";
constexpr const char* kChannel = "channel";
constexpr const char* kLan = "lan";
constexpr const char* kMcResetCold = "mc_reset_cold";
constexpr const char* kFru = "fru";
constexpr const char* kTimeout = "timeout";

// lan key -> the `lan print` field that shows it.
const std::map<std::string, std::string> kLanFields{{"ipsrc", "IP Address Source"},
                                                    {"ipaddr", "IP Address"},
                                                    {"netmask", "Subnet Mask"},
                                                    {"defgw", "Default Gateway IP"},
                                                    {"bakgw", "Backup Gateway IP"}};

std::string random_password() {
  static constexpr std::string_view kChars =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::random_device rd;
  std::string p;
  for (int i = 0; i < 16; ++i) p += kChars[rd() % kChars.size()];
  return p;
}

// What `lan print` shows for a setting: "dhcp" -> "DHCP Address".
std::string printed_lan_value(const std::string& key, const std::string& value) {
  if (key != "ipsrc") return value;
  if (value == "dhcp") return "DHCP Address";
  if (value == "static") return "Static Address";
  if (value == "bios") return "BIOS Assigned Address";
  return value;
}

bool unused_slot(const tools::IpmiUser& u) {
  return u.name.empty() && !u.ipmi_msg &&
         (u.privilege == "NO ACCESS" || u.privilege.starts_with("Unknown"));
}

}  // namespace

Expected<BmcPolicy> read_bmc_policy(const StageContext& ctx) {
  auto bad = [](std::string m) { return make_error("KILN-CONFIG", "bmc-reset: " + std::move(m)); };
  BmcPolicy p;
  p.keep_user = ctx.params.get_string(kKeepUser);
  std::string users = ctx.params.get_string(kUsers);
  if (users != "disable" && users != "keep")
    return bad(fmt::format("users '{}' is not disable or keep", users));
  p.disable_users = users == "disable";
  if (p.disable_users && p.keep_user.empty())
    return bad("keep_user is empty: disabling every user would lock the datacenter out of the BMC");
  p.disabled_name = ctx.params.get_string(kDisabledName);
  std::string sel = ctx.params.get_string(kSel);
  if (sel != "clear" && sel != "keep")
    return bad(fmt::format("sel '{}' is not clear or keep", sel));
  p.clear_sel = sel == "clear";
  p.channel = static_cast<int>(ctx.params.get_int(kChannel));
  for (const auto& item : ctx.params.get_list(kLan)) {
    auto eq = item.find('=');
    std::string key = item.substr(0, eq);
    if (eq == std::string::npos || !kLanFields.contains(key))
      return bad(fmt::format(
          "lan setting '{}' is not KEY=VALUE with KEY one of ipsrc, ipaddr, netmask, defgw, bakgw",
          item));
    p.lan.emplace_back(key, item.substr(eq + 1));
  }
  p.mc_reset_cold = ctx.params.get_bool(kMcResetCold);
  if (ctx.params.get_string(kFru) != "keep")
    return bad("fru: only 'keep' is supported (kiln never edits the FRU)");
  p.timeout = ctx.params.get_duration(kTimeout);
  return p;
}

BmcSession::BmcSession(StageContext& ctx, std::optional<tools::IpmiLanTarget> lan, BmcPolicy policy)
    : ctx_(ctx), lan_(std::move(lan)), policy_(std::move(policy)) {
  evidence["actions"] = nlohmann::json::array();
}

BmcSession::Ran BmcSession::ipmitool(const std::vector<std::string>& argv, const std::string& log,
                                     const std::string& secret) {
  std::vector<std::string> secrets;
  if (!secret.empty()) secrets.push_back(secret);
  auto result = run_tool(ctx_, argv, policy_.timeout, log, secrets);
  if (result && result->exited_with(0)) return {true, result->stdout_text, {}};
  // Masked again: a fake or foreign host adapter may not have masked the output.
  return {false,
          {},
          mask_secrets(
              result ? describe_failure(argv, *result) : describe_failure(argv, result.error()),
              secrets)};
}

void BmcSession::action(const std::string& what, const std::string& expected,
                        const std::string& read_back, bool ok,
                        const std::vector<std::string>& commands, const std::string& note) {
  nlohmann::json a{{"action", what},
                   {"expected", expected},
                   {"read_back", read_back},
                   {"result", ok ? "ok" : "mismatch"},
                   {"commands", commands}};
  if (!note.empty()) a["note"] = note;
  evidence["actions"].push_back(a);
  if (ok) {
    ctx_.step.info(fmt::format("bmc-reset: {}: {} (read back)", what, read_back));
    return;
  }
  ++failed_;
  ctx_.step.fail("KILN-BMC-RESET-NOT-APPLIED",
                 {{"action", what},
                  {"expected", expected},
                  {"read_back", read_back},
                  {"note", note.empty() ? "" : " (" + note + ")"}},
                 "BMC");
}

void BmcSession::run_all() {
  if (policy_.clear_sel) clear_sel();
  if (policy_.disable_users) reset_users();
  if (!policy_.lan.empty()) set_lan();
  if (policy_.mc_reset_cold && errors_ == 0) cold_reset();
}

std::string BmcSession::result() const {
  if (failed_ > 0) return "failed";
  if (errors_ > 0) return "error";
  return "reset";
}

void BmcSession::reset_users() {
  auto list_argv = tools::ipmitool_user_list_argv(lan_, policy_.channel);
  auto before = ipmitool(list_argv, "ipmitool-users");
  auto users = before.ok ? tools::parse_ipmitool_user_list(before.out)
                         : Expected<std::vector<tools::IpmiUser>>(make_error("", before.failure));
  if (!users) {
    ++errors_;
    ctx_.step.error(before.ok ? "tool-output-unparseable" : "bmc-unreachable",
                    "bmc-reset: cannot list the BMC users: " + users.error().message);
    return;
  }
  nlohmann::json listed = nlohmann::json::array();
  std::vector<int> targets;
  int kept = 0;
  for (const auto& u : *users) {
    if (unused_slot(u)) continue;
    listed.push_back(
        {{"id", u.id}, {"name", u.name}, {"privilege", u.privilege}, {"ipmi_msg", u.ipmi_msg}});
    if (u.name == policy_.keep_user) {
      ++kept;
      continue;
    }
    targets.push_back(u.id);
  }
  evidence["users_before"] = listed;
  if (kept == 0) {
    ++errors_;
    ctx_.step.error(
        "bmc-keep-user-missing",
        fmt::format("bmc-reset: the kept user '{}' is not on the BMC (users: {}): nothing "
                    "disabled, so nobody is locked out. Next step: set keep_user in the profile",
                    policy_.keep_user, listed.dump()));
    return;
  }
  for (int id : targets) {
    const std::string password = random_password();  // never written anywhere
    std::vector<std::vector<std::string>> steps{
        tools::ipmitool_user_set_password_argv(lan_, id, password),
        tools::ipmitool_user_priv_argv(lan_, id, 15, policy_.channel),
        tools::ipmitool_user_disable_argv(lan_, id),
        tools::ipmitool_user_set_name_argv(lan_, id, policy_.disabled_name)};
    std::vector<std::string> commands;
    std::string notes;
    for (const auto& argv : steps) {
      // The throw-away password never goes into the certificate, a log or a message.
      const bool sets_password = &argv == &steps.front();
      commands.push_back(mask_secrets(command_text(argv), {password}));
      auto r = ipmitool(argv, "ipmitool-users", sets_password ? password : std::string());
      if (!r.ok) notes += (notes.empty() ? "" : "; ") + r.failure;
    }
    evidence["user_commands"][std::to_string(id)] = commands;
    if (!notes.empty()) evidence["user_command_failures"][std::to_string(id)] = notes;
  }
  // Read back: every other user without name, privilege and messaging; only the kept one enabled.
  auto after = ipmitool(list_argv, "ipmitool-users");
  auto now = after.ok ? tools::parse_ipmitool_user_list(after.out)
                      : Expected<std::vector<tools::IpmiUser>>(make_error("", after.failure));
  if (!now) {
    ++errors_;
    ctx_.step.error("bmc-unreachable",
                    "bmc-reset: cannot read the users back: " + now.error().message);
    return;
  }
  for (int id : targets) {
    auto it = std::find_if(now->begin(), now->end(), [id](const auto& u) { return u.id == id; });
    std::string seen = it == now->end()
                           ? "gone from the list"
                           : fmt::format("name '{}', privilege {}, IPMI messaging {}", it->name,
                                         it->privilege, it->ipmi_msg ? "on" : "off");
    bool ok = it != now->end() && it->name == policy_.disabled_name && !it->ipmi_msg &&
              (it->privilege == "NO ACCESS" || it->privilege.starts_with("Unknown"));
    std::string note =
        evidence.contains("user_command_failures") &&
                evidence["user_command_failures"].contains(std::to_string(id))
            ? evidence["user_command_failures"][std::to_string(id)].get<std::string>()
            : "";
    action(fmt::format("user {} disabled and cleared", id),
           fmt::format("name '{}', privilege NO ACCESS, IPMI messaging off", policy_.disabled_name),
           seen, ok, evidence["user_commands"][std::to_string(id)].get<std::vector<std::string>>(),
           note);
  }
  auto summary =
      ipmitool(tools::ipmitool_user_summary_argv(lan_, policy_.channel), "ipmitool-users");
  auto enabled = summary.ok ? tools::parse_ipmitool_enabled_user_count(summary.out)
                            : Expected<int>(make_error("", summary.failure));
  if (enabled) {
    Limit rule{"bmc-reset: enabled users (the kept one only)",
               Comparison::kLessThanOrEqual,
               static_cast<double>(kept),
               {}};
    auto m = measure("bmc_enabled_users", static_cast<double>(*enabled), "", "BMC", {rule});
    ctx_.step.measurement(m);
    action("only the kept user enabled", fmt::format("{} enabled user(s)", kept),
           fmt::format("{} enabled user(s)", *enabled), *enabled <= kept,
           {command_text(tools::ipmitool_user_summary_argv(lan_, policy_.channel))});
  } else {
    ctx_.step.info("bmc-reset: the BMC does not report its enabled user count: " +
                   enabled.error().message);
  }
}

void BmcSession::clear_sel() {
  auto argv = tools::ipmitool_sel_clear_argv(lan_);
  auto cleared = ipmitool(argv, "ipmitool-sel");
  if (!cleared.ok) {
    ++errors_;
    ctx_.step.error("bmc-command-failed", "bmc-reset: " + cleared.failure);
    return;
  }
  // The BMC erases in the background; some log the clearing itself (one entry).
  Expected<long long> entries = make_error("", "not read");
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt == 0 ? 200 : 1000));
    auto info = ipmitool(tools::ipmitool_sel_info_argv(lan_), "ipmitool-sel");
    entries = info.ok ? tools::parse_ipmitool_sel_entries(info.out)
                      : Expected<long long>(make_error("", info.failure));
    if (entries && *entries <= 1) break;
  }
  if (!entries) {
    ++errors_;
    ctx_.step.error("bmc-command-failed",
                    "bmc-reset: cannot read the SEL back: " + entries.error().message);
    return;
  }
  action("SEL cleared", "at most 1 entry (the clear event)", fmt::format("{} entries", *entries),
         *entries <= 1, {command_text(argv), command_text(tools::ipmitool_sel_info_argv(lan_))});
}

void BmcSession::set_lan() {
  std::vector<std::string> commands;
  std::map<std::string, std::string> failures;
  for (const auto& [key, value] : policy_.lan) {
    std::vector<std::string> setting{key};
    if (key == "defgw" || key == "bakgw") setting.emplace_back("ipaddr");
    setting.push_back(value);
    auto argv = tools::ipmitool_lan_set_argv(lan_, policy_.channel, setting);
    commands.push_back(command_text(argv));
    auto r = ipmitool(argv, "ipmitool-lan");
    if (!r.ok) failures[key] = r.failure;
  }
  auto printed = ipmitool(tools::ipmitool_lan_print_argv(lan_, policy_.channel), "ipmitool-lan");
  auto fields = printed.ok
                    ? tools::parse_ipmitool_lan_print(printed.out)
                    : Expected<std::map<std::string, std::string>>(make_error("", printed.failure));
  if (!fields) {
    ++errors_;
    ctx_.step.error(
        "bmc-unreachable",
        "bmc-reset: cannot read the LAN configuration back (over LAN, the new address may "
        "have cut this session): " +
            fields.error().message);
    return;
  }
  for (const auto& [key, value] : policy_.lan) {
    const std::string& field = kLanFields.at(key);
    auto it = fields->find(field);
    std::string seen = it == fields->end() ? "not shown" : it->second;
    std::string want = printed_lan_value(key, value);
    action(fmt::format("LAN channel {} {}", policy_.channel, field), want, seen, seen == want,
           commands, failures.contains(key) ? failures[key] : "");
  }
}

void BmcSession::cold_reset() {
  auto argv = tools::ipmitool_mc_reset_cold_argv(lan_);
  auto r = ipmitool(argv, "ipmitool-mc");
  if (!r.ok) {
    ++errors_;
    ctx_.step.error("bmc-command-failed", "bmc-reset: " + r.failure);
    return;
  }
  // The BMC reboots: wait until it answers again (at most ~3 minutes).
  std::string seen = "no answer within 180 s";
  bool back = false;
  for (int attempt = 0; attempt < 36 && !back; ++attempt) {
    std::this_thread::sleep_for(std::chrono::seconds(attempt == 0 ? 1 : 5));
    back = ipmitool(tools::ipmitool_mc_info_argv(lan_), "ipmitool-mc").ok;
    if (back) seen = "answers `mc info` again";
  }
  action("BMC cold reset", "answers again after the reset", seen, back, {command_text(argv)});
}

}  // namespace kiln::runner
