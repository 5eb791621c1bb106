// Runs this node's side of every pair it is in, on one interface, round by
// round: the handshake through announcements (the server side announces
// "ready" with its port once `iperf3 -s -1` listens; the client waits for
// it, announces "testing" and runs iperf3 -c), ping under load, and what
// came back. Judging is nic_judge's.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/host_adapter.hpp"
#include "stages/network/discovery_session.hpp"
#include "stages/network/pair_tests.hpp"
#include "tools/iperf3.hpp"
#include "tools/ping.hpp"

namespace kiln::runner::network {

struct PairSettings {
  std::vector<TestKind> tests;
  int duration_s = 10;
  std::string udp_bitrate = "500M";
  int iperf_port = 5201;
  bool ping = true;
  std::string reference_host;  // "" = none
  int reference_port = 5201;
  std::filesystem::path log_dir;
  Millis ready_timeout{std::chrono::minutes(5)};  // waiting for the partner's server
};

// One test as this node saw it.
struct TestRun {
  Pair pair;
  std::string partner;  // node id, or "reference HOST:PORT"
  std::string partner_addr;
  bool is_client = true;
  TestKind kind = TestKind::kTcp;
  std::uint32_t partner_speed_mbps = 0;
  std::optional<tools::Iperf3Result> result;
  std::optional<tools::PingSummary> ping;
};

struct PairProblem {
  std::string symptom;  // "network-partner-vanished", "network-partner-timeout", "tool-failed"...
  std::string message;
};

struct InterfaceRun {
  std::vector<TestRun> runs;
  std::vector<PairProblem> problems;
};

InterfaceRun run_pairs(HostAdapter& host, DiscoverySession& session, const Membership& membership,
                       const Schedule& schedule, const PairSettings& settings,
                       const std::atomic<bool>* stop);

}  // namespace kiln::runner::network
