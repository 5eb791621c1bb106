// One tested interface's view of the segment: announces this node
// periodically, takes in peers' announcements (PeerTable), agrees on the
// membership (discover) and waits on a partner's state (wait_for). Runs on
// the stage's thread for that interface; never blocks longer than asked.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kiln/expected.hpp"
#include "stages/network/pairing.hpp"
#include "stages/network/peer_table.hpp"
#include "stages/network/transport.hpp"

namespace kiln::runner::network {

using Millis = std::chrono::milliseconds;

struct SessionConfig {
  std::string node_id;
  std::string delivery;
  std::string key;
  std::string iface;
  std::string addr;                       // this node's IPv4 address on iface
  std::string broadcast;                  // where announcements go
  std::vector<std::string> static_peers;  // also sent to, one by one
  std::uint32_t speed_mbps = 0;
  bool allow_mixed_deliveries = false;
  int min_nodes = 2;  // members (this node included) before agreeing
  Millis announce_interval{500};
  Millis settle{2000};                      // membership unchanged and agreed this long
  Millis peer_timeout{5000};                // a peer silent this long is gone
  Millis window{std::chrono::minutes(10)};  // no agreement by then: ERROR
  Millis max_clock_skew{0};
};

struct Membership {
  std::vector<Member> members;                        // this node included
  std::string view;                                   // membership_hash(members)
  std::map<std::string, Announcement> announcements;  // by node id, peers only
};

enum class WaitOutcome { kOk, kVanished, kTimeout, kStopped };

class DiscoverySession {
 public:
  DiscoverySession(SessionConfig config, DatagramTransport& transport, const Clock& clock);

  // Announces when due, then takes in datagrams for at most `wait`.
  void pump(Millis wait);

  // Until at least min_nodes agree on one membership for `settle`; an error
  // (code "network-no-partner") naming what was heard when `window` ends.
  Expected<Membership> discover(const std::atomic<bool>* stop);

  // What this node announces from now on (announced at once).
  void announce_state(PeerState state, std::uint32_t round, std::uint32_t test, std::uint32_t port,
                      const std::string& partner);

  // Pumps until `ready(partner's latest announcement)` holds, the partner is
  // silent for peer_timeout, `deadline` passes or `stop` is set.
  WaitOutcome wait_for(const std::string& partner,
                       const std::function<bool(const Announcement&)>& ready,
                       std::chrono::steady_clock::time_point deadline,
                       const std::atomic<bool>* stop);

  // Pumps until `done()` holds; returns kVanished if the partner went silent
  // meanwhile (keeps pumping until done() all the same).
  WaitOutcome pump_until(const std::string& partner, const std::function<bool()>& done);

  [[nodiscard]] bool partner_silent(const std::string& partner) const;
  [[nodiscard]] const PeerTable& table() const { return table_; }
  [[nodiscard]] const SessionConfig& config() const { return config_; }
  [[nodiscard]] const Clock& clock() const { return clock_; }

 private:
  void send_announcement();
  [[nodiscard]] std::vector<Member> candidates() const;

  SessionConfig config_;
  DatagramTransport& transport_;
  const Clock& clock_;
  PeerTable table_;
  Announcement self_;
  std::chrono::steady_clock::time_point next_announce_{};
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace kiln::runner::network
