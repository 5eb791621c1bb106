// network: nodes of a delivery find each other by authenticated UDP
// broadcast on every tested NIC, pair up deterministically and run iperf3
// both ways (docs/network-stage.md). Each NIC is judged on its own.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <exception>
#include <thread>

#include "stages/builtin_stages.hpp"
#include "stages/network/discovery_session.hpp"
#include "stages/network/nic_judge.hpp"
#include "stages/network/pair_runner.hpp"
#include "stages/network/tested_interface.hpp"
#include "stages/network/udp_socket.hpp"

namespace kiln::runner {
namespace {

using namespace network;  // NOLINT(google-build-using-namespace)

namespace param {
constexpr const char* kInterfaces = "interfaces";
constexpr const char* kPort = "port";
constexpr const char* kIperfPort = "iperf_port";
constexpr const char* kKeyFile = "key_file";
constexpr const char* kWindow = "window";
constexpr const char* kSettle = "settle";
constexpr const char* kAnnounceInterval = "announce_interval";
constexpr const char* kPeerTimeout = "peer_timeout";
constexpr const char* kMinNodes = "min_nodes";
constexpr const char* kPeers = "peers";
constexpr const char* kReference = "reference";
constexpr const char* kAllowMixed = "allow_mixed_deliveries";
constexpr const char* kMaxClockSkew = "max_clock_skew";
constexpr const char* kDuration = "duration";
constexpr const char* kTests = "tests";
constexpr const char* kUdpLinkFraction = "udp_link_fraction";
constexpr const char* kUdpBitrate = "udp_bitrate";
constexpr const char* kPing = "ping";
}  // namespace param

struct InterfaceOutcome {
  TestedInterface nic;
  std::optional<Membership> membership;
  Schedule schedule;
  InterfaceRun run;
  std::optional<Error> error;
  std::map<DropReason, std::uint64_t> drops;
  std::uint64_t accepted = 0;
  double discovery_s = 0;
};

class NetworkStage final : public Stage {
 public:
  std::vector<catalog::ComponentIdentity> components(HostAdapter& host, const StageParams& params,
                                                     const RunOptions& /*options*/) override {
    return tested_interface_identities(host, params.get_list(param::kInterfaces));
  }

  const StageInfo& info() const override {
    static const StageInfo kInfo = catalog_stage_info("network");
    return kInfo;
  }

  void run(StageContext& ctx) override {
    auto setup = prepare(ctx);
    if (!setup) {
      ctx.step.error(setup.error().code, message_of(setup.error()));
      return;
    }
    std::vector<InterfaceOutcome> outcomes(setup->nics.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < setup->nics.size(); ++i) {
      outcomes[i].nic = setup->nics[i];
      threads.emplace_back(
          [&, i] { run_interface(ctx, *setup, static_cast<int>(i), outcomes[i]); });
    }
    for (auto& t : threads) t.join();
    for (const auto& o : outcomes) report(ctx, o);
  }

 private:
  struct Setup {
    std::vector<TestedInterface> nics;
    std::string node_id;
    std::string key;
    PairSettings pair;
  };

  static std::string message_of(const Error& e) {
    return e.remedy.empty() ? e.message : e.message + ": " + e.remedy;
  }

  static Expected<Setup> prepare(StageContext& ctx) {
    const StageParams& p = ctx.params;
    Setup s;
    s.node_id = !ctx.node.fru.product_serial.empty() ? ctx.node.fru.product_serial
                                                     : ctx.node.dmi_system_serial;
    if (s.node_id.empty()) {
      return make_error("network-no-node-id",
                        "neither the FRU nor DMI gives this node a serial to announce");
    }
    std::string key_file = p.get_string(param::kKeyFile);
    if (key_file.empty()) {
      return make_error(
          "network-no-key", "the network stage needs the delivery's key: set `key_file`",
          "write a random key (e.g. `openssl rand -hex 32`) to a file in the image or config and "
          "name it in the profile");
    }
    auto key = ctx.host.read_file(key_file);
    if (!key || key->find_first_not_of(" \t\r\n") == std::string::npos) {
      return make_error("network-no-key", fmt::format("cannot read a key from '{}'", key_file));
    }
    s.key = *key;
    while (!s.key.empty() && (s.key.back() == '\n' || s.key.back() == '\r')) s.key.pop_back();
    auto tests = parse_test_list(p.get_list(param::kTests));
    if (!tests) return tests.error();
    auto nics = find_tested_interfaces(ctx.host, p.get_list(param::kInterfaces));
    if (!nics) return nics.error();
    if (nics->empty()) return make_error("network-no-interface", "no NIC with link to test");
    s.nics = std::move(*nics);
    s.pair.tests = *tests;
    s.pair.duration_s =
        static_cast<int>(std::max<long long>(1, p.get_duration(param::kDuration).count() / 1000));
    s.pair.ping = p.get_bool(param::kPing);
    s.pair.log_dir = ctx.log_dir;
    std::string ref = p.get_string(param::kReference);
    if (auto colon = ref.find(':'); colon != std::string::npos) {
      s.pair.reference_host = ref.substr(0, colon);
      std::string port = ref.substr(colon + 1);
      auto [end, ec] =
          std::from_chars(port.data(), port.data() + port.size(), s.pair.reference_port);
      if (ec != std::errc() || end != port.data() + port.size()) {
        return make_error("network-bad-param",
                          fmt::format("reference '{}' is not HOST[:PORT]", ref));
      }
    } else {
      s.pair.reference_host = ref;
    }
    auto per_test = std::chrono::seconds(s.pair.duration_s + 20);
    s.pair.ready_timeout = std::chrono::duration_cast<Millis>(
        per_test * static_cast<int>(tests->size()) + std::chrono::seconds(60));
    return s;
  }

  static void run_interface(StageContext& ctx, const Setup& setup, int index,
                            InterfaceOutcome& out) {
    try {
      const StageParams& p = ctx.params;
      SessionConfig sc;
      sc.node_id = setup.node_id;
      sc.delivery = ctx.config.delivery_tag;
      sc.key = setup.key;
      sc.iface = out.nic.name;
      sc.addr = out.nic.addr;
      sc.broadcast = out.nic.broadcast;
      sc.static_peers = p.get_list(param::kPeers);
      sc.speed_mbps = out.nic.speed_mbps;
      sc.allow_mixed_deliveries = p.get_bool(param::kAllowMixed);
      sc.min_nodes = static_cast<int>(p.get_int(param::kMinNodes));
      sc.announce_interval = p.get_duration(param::kAnnounceInterval);
      sc.settle = p.get_duration(param::kSettle);
      sc.peer_timeout = p.get_duration(param::kPeerTimeout);
      sc.window = p.get_duration(param::kWindow);
      sc.max_clock_skew = p.get_duration(param::kMaxClockSkew);
      auto transport = UdpTransport::open(out.nic.name, static_cast<int>(p.get_int(param::kPort)));
      if (!transport) {
        out.error = transport.error();
        return;
      }
      SystemClock clock;
      DiscoverySession session(sc, **transport, clock);
      auto started = clock.now();
      auto membership = session.discover(ctx.stop);
      out.discovery_s = std::chrono::duration<double>(clock.now() - started).count();
      if (membership) {
        out.membership = *membership;
        out.schedule = compute_schedule(membership->members, !setup.pair.reference_host.empty());
        if (pairs_of(out.schedule, setup.node_id).empty()) {
          out.error = make_error("network-no-partner",
                                 fmt::format("{}: no partner in a membership of {}", out.nic.name,
                                             membership->members.size()));
          return;
        }
        ctx.step.info(fmt::format("{}: {} members agreed (view {}) at {} ms since the epoch",
                                  out.nic.name, membership->members.size(), membership->view,
                                  clock.wall_ms()));
        PairSettings settings = setup.pair;
        settings.iperf_port += index;
        settings.udp_bitrate =
            udp_bitrate_for(out.nic.speed_mbps, p.get_double(param::kUdpLinkFraction),
                            p.get_string(param::kUdpBitrate));
        out.run = run_pairs(ctx.host, session, *membership, out.schedule, settings, ctx.stop);
      } else {
        out.error = membership.error();
      }
      out.drops = session.table().drops();
      out.accepted = session.table().accepted();
    } catch (const std::exception& e) {
      out.error = make_error("stage-exception", fmt::format("{}: {}", out.nic.name, e.what()));
    }
  }

  static void report(StageContext& ctx, const InterfaceOutcome& o) {
    const catalog::ComponentIdentity part = o.nic.identity();
    const std::string component = catalog::label(part);
    ctx.step.measurement(
        measure("discovery_accepted_datagrams", static_cast<double>(o.accepted), "", part, {}));
    for (DropReason r : {DropReason::kMalformed, DropReason::kBadHmac, DropReason::kReplayed,
                         DropReason::kForeignDelivery, DropReason::kVersion}) {
      auto it = o.drops.find(r);
      double n = it == o.drops.end() ? 0.0 : static_cast<double>(it->second);
      ctx.step.measurement(
          measure(fmt::format("discovery_dropped_{}", to_string(r)), n, "datagrams", part, {}));
    }
    if (o.error) {
      ctx.step.error(o.error->code, fmt::format("{}: {}", component, message_of(*o.error)));
      return;
    }
    if (!o.membership) return;
    ctx.step.measurement(measure("discovery_s", o.discovery_s, "s", part, {}));
    ctx.step.measurement(measure("discovery_members",
                                 static_cast<double>(o.membership->members.size()), "", part, {}));
    std::vector<std::string> plan;
    for (const auto& p : o.schedule.pairs) {
      plan.push_back(fmt::format("round {}: {} -> {}", p.round, p.client,
                                 p.reference ? "reference" : p.server));
    }
    ctx.step.info(fmt::format("{}: pairing {}", o.nic.name, fmt::join(plan, "; ")));
    int failures = judge_interface(ctx.step, o.nic, o.run, ctx.config);
    for (const auto& problem : o.run.problems) {
      ctx.step.error(problem.symptom, fmt::format("{}: {}", component, problem.message));
    }
    if (failures == 0 && o.run.problems.empty() && !o.run.runs.empty()) {
      Diagnosis ok{"network-nic-ok", DiagnosisType::kPass,
                   fmt::format("{}: {} tests within limits", component, o.run.runs.size()),
                   component};
      ok.hardware = part;
      ctx.step.diagnosis(std::move(ok));
    }
  }
};

}  // namespace

std::unique_ptr<Stage> make_network_stage() {
  return std::make_unique<NetworkStage>();
}

}  // namespace kiln::runner
