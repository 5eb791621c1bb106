#include "stages/network/pair_runner.hpp"

#include <fmt/format.h>

#include <future>
#include <thread>

namespace kiln::runner::network {
namespace {

using Clock = std::chrono::steady_clock;
constexpr Millis kServerStartGrace{300};  // iperf3 -s listens well within this
constexpr int kConnectAttempts = 3;

template <class T>
bool ready(const std::future<T>& f) {
  return !f.valid() || f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

std::string describe_wait(WaitOutcome w, const std::string& partner, const std::string& what) {
  switch (w) {
    case WaitOutcome::kVanished:
      return fmt::format(
          "partner {} stopped announcing while {}: it crashed, rebooted or lost its link (see its "
          "own report); this NIC's tests with it are incomplete, rerun the stage",
          partner, what);
    case WaitOutcome::kTimeout:
      return fmt::format("partner {} did not get ready in time while {}", partner, what);
    case WaitOutcome::kStopped:
      return "the run was aborted";
    case WaitOutcome::kOk:
      break;
  }
  return {};
}

std::string symptom_of(WaitOutcome w) {
  return w == WaitOutcome::kVanished  ? "network-partner-vanished"
         : w == WaitOutcome::kTimeout ? "network-partner-timeout"
                                      : "network-stopped";
}

class PairExecutor {
 public:
  PairExecutor(HostAdapter& host, DiscoverySession& session, const Membership& membership,
               const PairSettings& settings, const std::atomic<bool>* stop, InterfaceRun& out)
      : host_(host),
        session_(session),
        membership_(membership),
        settings_(settings),
        stop_(stop),
        out_(out) {}

  // False when the pair could not be completed (a problem was recorded).
  bool run(const Pair& p) {
    const std::string& me = session_.config().node_id;
    if (p.reference) return run_reference(p);
    bool client = p.client == me;
    std::string partner = client ? p.server : p.client;
    for (std::size_t k = 0; k < settings_.tests.size(); ++k) {
      bool ok = client ? client_test(p, partner, k) : server_test(p, partner, k);
      if (!ok) return false;
    }
    return true;
  }

 private:
  TestRun new_run(const Pair& p, const std::string& partner, bool client, std::size_t k) {
    TestRun r;
    r.pair = p;
    r.partner = partner;
    r.is_client = client;
    r.kind = settings_.tests[k];
    if (auto it = membership_.announcements.find(partner); it != membership_.announcements.end()) {
      r.partner_addr = it->second.addr;
      r.partner_speed_mbps = it->second.speed_mbps;
    }
    return r;
  }

  std::filesystem::path log_for(const TestRun& r) const {
    return settings_.log_dir / fmt::format("iperf3-{}-round{}-{}-{}.log", session_.config().iface,
                                           r.pair.round, to_string(r.kind),
                                           r.is_client ? "client" : "server");
  }

  CommandSpec iperf_client(const TestRun& r, const std::string& host, int port) const {
    auto spec = client_spec(r.kind, host, port, settings_.duration_s, settings_.udp_bitrate);
    return CommandSpec{tools::iperf3_client_argv(spec),
                       std::chrono::seconds(settings_.duration_s + 30), log_for(r), std::nullopt};
  }

  std::future<Expected<CommandResult>> start_ping(const TestRun& r) {
    if (!settings_.ping || r.kind != TestKind::kTcp || r.partner_addr.empty()) return {};
    int count = std::max(3, settings_.duration_s * 4);
    CommandSpec spec{tools::ping_argv(r.partner_addr, count, 0.25, session_.config().iface),
                     std::chrono::seconds(settings_.duration_s + 20),
                     settings_.log_dir /
                         fmt::format("ping-{}-round{}.log", session_.config().iface, r.pair.round),
                     std::nullopt};
    return std::async(std::launch::async, [this, spec] { return host_.run(spec); });
  }

  void finish_ping(std::future<Expected<CommandResult>>& f, TestRun& r) {
    if (!f.valid()) return;
    auto res = f.get();
    if (!res) {
      problem("ping-failed",
              fmt::format("ping {} could not start: {}", r.partner_addr, res.error().message));
      return;
    }
    auto parsed = tools::parse_ping_summary(res->stdout_text);
    if (parsed) {
      r.ping = *parsed;
    } else {
      problem("ping-failed", fmt::format("ping {}: {}: {}", r.partner_addr, res->describe(),
                                         parsed.error().message));
    }
  }

  // Parses iperf3's output into `r`; a harness problem when there is no figure.
  bool take_result(const Expected<CommandResult>& res, TestRun& r, const std::string& what) {
    if (!res) return problem("tool-failed", fmt::format("{}: {}", what, res.error().message));
    auto parsed = tools::parse_iperf3_json(res->stdout_text);
    if (!parsed) {
      return problem("tool-output-unparseable",
                     fmt::format("{}: {}: {}; stderr: {}", what, res->describe(),
                                 parsed.error().message, res->stderr_tail()));
    }
    if (!parsed->problem().empty()) {
      return problem("tool-failed",
                     fmt::format("{}: iperf3 reported: {}", what, parsed->problem()));
    }
    r.result = *parsed;
    out_.runs.push_back(r);
    return true;
  }

  bool problem(std::string symptom, std::string message) {
    out_.problems.push_back(PairProblem{std::move(symptom), std::move(message)});
    return false;
  }

  bool client_test(const Pair& p, const std::string& partner, std::size_t k) {
    TestRun r = new_run(p, partner, true, k);
    std::string me = session_.config().node_id;
    const Announcement* server_state = nullptr;
    auto is_ready = [&](const Announcement& a) {
      server_state = &a;
      return a.state == PeerState::kReady && a.partner == me &&
             a.round == static_cast<std::uint32_t>(p.round) && a.test == k;
    };
    std::string what = fmt::format("waiting for its iperf3 server (round {}, test {})", p.round,
                                   to_string(r.kind));
    auto w = session_.wait_for(partner, is_ready, Clock::now() + settings_.ready_timeout, stop_);
    if (w != WaitOutcome::kOk) return problem(symptom_of(w), describe_wait(w, partner, what));
    std::string addr = server_state->addr;
    int port = static_cast<int>(server_state->port);
    r.partner_addr = addr;
    session_.announce_state(PeerState::kTesting, p.round, static_cast<std::uint32_t>(k), 0,
                            partner);
    std::string cmd =
        fmt::format("iperf3 -c {} -p {} ({}, partner {})", addr, port, to_string(r.kind), partner);
    for (int attempt = 1;; ++attempt) {
      auto ping = start_ping(r);
      auto spec = iperf_client(r, addr, port);
      auto run = std::async(std::launch::async, [this, spec] { return host_.run(spec); });
      auto v = session_.pump_until(partner, [&] { return ready(run) && ready(ping); });
      auto res = run.get();
      finish_ping(ping, r);
      bool refused = res && res->stdout_text.find("unable to connect") != std::string::npos;
      if (refused && attempt < kConnectAttempts && !session_.partner_silent(partner)) {
        std::this_thread::sleep_for(Millis(500));
        continue;
      }
      if (take_result(res, r, cmd) && v == WaitOutcome::kOk) return true;
      explain_failure(partner, fmt::format("running {}", cmd));
      return false;
    }
  }

  // A test failed: if the partner has gone silent too, say so (that is the
  // reason, not iperf3's "control socket has closed").
  void explain_failure(const std::string& partner, const std::string& what) {
    auto until = session_.clock().now() + session_.config().peer_timeout + Millis(500);
    session_.pump_until(
        {}, [&] { return session_.partner_silent(partner) || session_.clock().now() >= until; });
    if (session_.partner_silent(partner)) {
      problem(symptom_of(WaitOutcome::kVanished),
              describe_wait(WaitOutcome::kVanished, partner, what));
    }
  }

  bool server_test(const Pair& p, const std::string& partner, std::size_t k) {
    TestRun r = new_run(p, partner, false, k);
    int port = settings_.iperf_port;
    auto budget = settings_.ready_timeout + std::chrono::seconds(settings_.duration_s + 30);
    CommandSpec spec{tools::iperf3_server_argv(port), std::chrono::duration_cast<Millis>(budget),
                     log_for(r), std::nullopt};
    auto server = std::async(std::launch::async, [this, spec] { return host_.run(spec); });
    std::this_thread::sleep_for(kServerStartGrace);
    session_.announce_state(PeerState::kReady, p.round, static_cast<std::uint32_t>(k),
                            static_cast<std::uint32_t>(port), partner);
    std::future<Expected<CommandResult>> ping;
    bool pinged = false;
    bool unblocked = false;
    std::optional<std::chrono::steady_clock::time_point> moved_on_since;
    std::string reason;
    auto key = std::make_pair(static_cast<std::uint32_t>(p.round), static_cast<std::uint32_t>(k));
    session_.pump_until({}, [&] {
      if (ready(server)) return ready(ping);
      const PeerRecord* rec = session_.table().find(partner);
      if (!pinged && rec != nullptr && rec->last.state == PeerState::kTesting &&
          std::make_pair(rec->last.round, rec->last.test) == key) {
        ping = start_ping(r);
        pinged = true;
      }
      bool gone = session_.partner_silent(partner);
      bool moved_on = rec != nullptr && (rec->last.state == PeerState::kDone ||
                                         std::make_pair(rec->last.round, rec->last.test) > key);
      // A client that finished its test moves on while our iperf3 is still
      // writing its result: give it peer_timeout before calling it gave up.
      auto now = session_.clock().now();
      if (moved_on && !moved_on_since) moved_on_since = now;
      bool gave_up = moved_on_since && now - *moved_on_since > session_.config().peer_timeout;
      if (!unblocked && (gone || gave_up || (stop_ != nullptr && stop_->load()))) {
        reason = gone ? describe_wait(WaitOutcome::kVanished, partner,
                                      "testing against our iperf3 server")
                      : fmt::format("partner {} gave up on test {} of round {}", partner,
                                    to_string(r.kind), p.round);
        unblock(r, port);
        unblocked = true;
      }
      return false;
    });
    auto res = server.get();
    finish_ping(ping, r);
    if (unblocked)
      return problem(reason.find("stopped announcing") != std::string::npos
                         ? "network-partner-vanished"
                         : "network-partner-gave-up",
                     reason);
    std::string what =
        fmt::format("iperf3 -s -1 -p {} ({}, partner {})", port, to_string(r.kind), partner);
    if (take_result(res, r, what)) return true;
    explain_failure(partner, "serving " + what);
    return false;
  }

  // iperf3 -s -1 waits for one client: give it one so it ends now.
  void unblock(const TestRun& r, int port) {
    CommandSpec spec{
        {"iperf3", "-c", session_.config().addr, "-p", std::to_string(port), "-t", "1", "-J"},
        std::chrono::seconds(15),
        log_for(r),
        std::nullopt};
    (void)host_.run(spec);
  }

  bool run_reference(const Pair& p) {
    bool all_ok = true;
    for (std::size_t k = 0; k < settings_.tests.size(); ++k) {
      std::string name =
          fmt::format("reference {}:{}", settings_.reference_host, settings_.reference_port);
      TestRun r = new_run(p, name, true, k);
      r.partner_addr = settings_.reference_host;
      auto ping = start_ping(r);
      auto spec = iperf_client(r, settings_.reference_host, settings_.reference_port);
      auto run = std::async(std::launch::async, [this, spec] { return host_.run(spec); });
      session_.pump_until({}, [&] { return ready(run) && ready(ping); });
      auto res = run.get();
      finish_ping(ping, r);
      all_ok =
          take_result(res, r, fmt::format("iperf3 -c {} ({})", name, to_string(r.kind))) && all_ok;
    }
    return all_ok;
  }

  HostAdapter& host_;
  DiscoverySession& session_;
  const Membership& membership_;
  const PairSettings& settings_;
  const std::atomic<bool>* stop_;
  InterfaceRun& out_;
};

}  // namespace

InterfaceRun run_pairs(HostAdapter& host, DiscoverySession& session, const Membership& membership,
                       const Schedule& schedule, const PairSettings& settings,
                       const std::atomic<bool>* stop) {
  InterfaceRun out;
  PairExecutor exec(host, session, membership, settings, stop, out);
  const std::string& me = session.config().node_id;
  for (const Pair& p : pairs_of(schedule, me)) {
    session.announce_state(PeerState::kPaired, static_cast<std::uint32_t>(p.round), 0, 0,
                           p.client == me ? p.server : p.client);
    if (!exec.run(p))
      break;  // its partner is gone or broken: later rounds would wait on a stale plan
  }
  session.announce_state(PeerState::kDone, 0, 0, 0, "");
  return out;
}

}  // namespace kiln::runner::network
