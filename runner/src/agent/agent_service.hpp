// `kiln-runner agent`: kiln's ramdisk as an Ironic agent. Serves the agent
// API, looks the node up and heartbeats, and runs the steps the conductor
// sends (clean.*, deploy.*, log.*, standby.*) through kiln's run engine.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "agent/step_execution.hpp"

namespace kiln::runner::agent {

struct AgentOptions {
  std::string api_url;            // ipa-api-url=
  std::vector<std::string> macs;  // BOOTIF= and every NIC's MAC
  std::string listen = "0.0.0.0:9999";
  std::string advertise;          // callback URL; default http(s)://<listen host>:<port>
  bool tls = false;               // serve https with a certificate of its own (agent_tls.hpp)
  std::string ironic_ca;          // CA of an https:// Ironic API
  std::string global_request_id;  // ipa-global-request-id=
  std::string preset_token;       // ipa-agent-token= (virtual media)
  bool allow_power_off = false;   // standby.power_off / reboot really power the machine off
  std::string sysroot = "/";
  StepEnvironment steps;
};

// Runs until `stop` (SIGTERM/SIGINT); 0 on a clean stop, 2 when it could not start.
int run_agent(const AgentOptions& options, std::atomic<bool>& stop);

// Lower-case MACs of every NIC under SYSROOT/sys/class/net but lo.
std::vector<std::string> host_macs(HostAdapter& host);
// "01-52-54-00-12-34-56" (pxelinux's BOOTIF) -> "52:54:00:12:34:56"; nullopt if not a MAC.
std::optional<std::string> mac_from_bootif(const std::string& bootif);

}  // namespace kiln::runner::agent
