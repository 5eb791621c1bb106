// kiln-runner's subcommands, each a function from parsed options to an exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/fru_source.hpp"

namespace kiln::runner {

struct CommonOptions {
  std::string config_dir;
  std::string sysroot = "/";
  std::optional<std::string> fru_file;
  std::string bmc;  // HOST[:PORT]
  std::string bmc_user = "ADMIN";
  std::string bmc_password;
};

struct RunCommandOptions {
  std::optional<std::string> profile;
  std::string out_dir = "kiln-out";
  std::vector<std::string> disks;
  bool i_know_this_wipes = false;
  // Decommission: --mode burnin|decommission (kiln.mode); --decommission is
  // --mode decommission. Wiping also needs --i-know-this-wipes (standalone) or
  // the orchestrator's directive.
  std::string mode;
  bool decommission = false;
  std::string operator_name;  // --operator, else $KILN_OPERATOR, else the orchestrator's
  std::string signing_key;    // --signing-key: sign the certificate locally (standalone)
  std::string command_line;
  // Report to kiln-orchestrator (kiln.url / kiln.token / kiln.node).
  std::string orchestrator_url;
  std::string token;
  std::string ca_file;  // --ca: CA certificate (PEM) of an https:// orchestrator (kiln.ca)
  std::string node_uuid;
  int flush_timeout_s = 120;
  // Where this boot's id is read (through the host adapter): it tells the
  // orchestrator a reboot from a runner restart (docs/reboots.md).
  std::string boot_id_file = "/proc/sys/kernel/random/boot_id";
};

// kiln-runner agent (Ironic's deploy ramdisk agent; docs/ironic-steps.md).
struct AgentCommandOptions {
  std::string api_url;            // ipa-api-url=
  std::vector<std::string> macs;  // BOOTIF= and the NICs; empty = every NIC's
  std::string listen = "0.0.0.0:9999";
  std::string advertise;  // callback URL Ironic calls back on
  std::string tls = "off";  // off | auto (agent_tls.hpp)
  std::string ironic_ca;
  std::string global_request_id;  // ipa-global-request-id=
  std::string agent_token;        // ipa-agent-token= (or $IPA_AGENT_TOKEN)
  bool allow_power_off = false;
  std::vector<std::string> disks;
  bool i_know_this_wipes = false;
  std::string out_dir = "kiln-agent";
  std::string orchestrator_url;  // optional: also stream every step's run (kiln.url)
  std::string token;             // kiln.token
  std::string ca_file;           // kiln.ca
  std::string boot_id_file = "/proc/sys/kernel/random/boot_id";
};

// This boot's id from `file` (/proc/sys/kernel/random/boot_id); when there is
// none, a warning on stderr saying what is lost without it (`without_it`).
std::string read_boot_id(HostAdapter& host, const std::string& file, std::string_view without_it);

// Default config dir: $KILN_CONFIG_DIR, else /etc/kiln if present, else the
// source tree's configs/ (developer builds).
std::string default_config_dir();

int cmd_fru(const CommonOptions& opts);
int cmd_plan(const CommonOptions& opts, const std::optional<std::string>& profile);
int cmd_run(const CommonOptions& opts, const RunCommandOptions& run);
int cmd_stages();
int cmd_agent(const CommonOptions& common, const AgentCommandOptions& opts);
// kiln-runner certificate verify FILE [--public-key F]: 0 valid, 1 invalid, 2 unreadable/unsigned.
int cmd_certificate_verify(const std::string& file, const std::string& public_key);
int cmd_bench(const std::string& config_dir, const std::string& length, const std::string& copies);

}  // namespace kiln::runner
