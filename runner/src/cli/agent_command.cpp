// kiln-runner agent: kiln's ramdisk as Ironic's deploy agent (docs/ironic-steps.md).
#include <fmt/format.h>

#include <csignal>
#include <cstdlib>

#include "agent/agent_service.hpp"
#include "cli/commands.hpp"

namespace kiln::runner {
namespace {

std::atomic<bool> g_agent_stop{false};
void on_agent_signal(int) {
  g_agent_stop.store(true);
}

}  // namespace

int cmd_agent(const CommonOptions& common, const AgentCommandOptions& opts) {
  agent::AgentOptions o;
  o.api_url = opts.api_url;
  o.listen = opts.listen;
  o.advertise = opts.advertise;
  o.tls = opts.tls == "auto";
  o.ironic_ca = opts.ironic_ca;
  o.global_request_id = opts.global_request_id;
  o.preset_token = opts.agent_token;
  o.allow_power_off = opts.allow_power_off;
  o.sysroot = common.sysroot;
  for (const auto& m : opts.macs) {
    auto mac = agent::mac_from_bootif(m);
    if (!mac) {
      fmt::print(
          stderr,
          "kiln-runner: error: --mac '{}' is not a MAC address (52:54:00:12:34:56 or BOOTIF's "
          "01-52-54-00-12-34-56)\n",
          m);
      return 2;
    }
    o.macs.push_back(*mac);
  }
  if (o.macs.empty()) {
    SystemHostAdapter host(common.sysroot);
    o.macs = agent::host_macs(host);
  }
  if (o.macs.empty()) {
    fmt::print(stderr,
               "kiln-runner: error: no MAC address to look the node up by: give --mac MAC\n");
    return 2;
  }
  if (opts.api_url.rfind("http://", 0) != 0 && opts.api_url.rfind("https://", 0) != 0) {
    fmt::print(
        stderr,
        "kiln-runner: error: --api-url '{}' is not an http:// or https:// URL (ipa-api-url=)\n",
        opts.api_url);
    return 2;
  }
  auto& env = o.steps;
  env.config_dir = common.config_dir;
  env.fru_file = common.fru_file;
  env.bmc = common.bmc;
  env.bmc_user = common.bmc_user;
  env.bmc_password = common.bmc_password;
  env.disks = opts.disks;
  env.i_know_this_wipes = opts.i_know_this_wipes;
  env.out_dir = opts.out_dir;
  env.kiln_url = opts.orchestrator_url;
  env.kiln_token = opts.token;
  env.kiln_ca = opts.ca_file;
  {
    SystemHostAdapter host(common.sysroot);
    env.boot_id = read_boot_id(host, opts.boot_id_file,
                               "a reboot mid-step cannot be told from an agent restart");
  }
  std::signal(SIGINT, on_agent_signal);
  std::signal(SIGTERM, on_agent_signal);
  return agent::run_agent(o, g_agent_stop);
}

}  // namespace kiln::runner
