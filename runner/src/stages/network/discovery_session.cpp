#include "stages/network/discovery_session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <thread>

namespace kiln::runner::network {
namespace {

std::string random_nonce() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

bool stopped(const std::atomic<bool>* stop) {
  return stop != nullptr && stop->load();
}

Member member_of(const Announcement& a) {
  return Member{a.node, a.speed_mbps};
}

}  // namespace

DiscoverySession::DiscoverySession(SessionConfig config, DatagramTransport& transport,
                                   const Clock& clock)
    : config_(std::move(config)),
      transport_(transport),
      clock_(clock),
      table_(PeerTableOptions{config_.node_id, config_.delivery, config_.key,
                              config_.allow_mixed_deliveries, config_.max_clock_skew}) {
  self_.node = config_.node_id;
  self_.delivery = config_.delivery;
  self_.iface = config_.iface;
  self_.addr = config_.addr;
  self_.speed_mbps = config_.speed_mbps;
  self_.nonce = random_nonce();
  started_ = clock_.now();
}

void DiscoverySession::send_announcement() {
  ++self_.seq;
  self_.time_ms = clock_.wall_ms();
  std::string datagram = encode_announcement(self_, config_.key);
  (void)transport_.send(config_.broadcast,
                        datagram);  // a lost announcement is resent next interval
  for (const auto& peer : config_.static_peers) (void)transport_.send(peer, datagram);
  next_announce_ = clock_.now() + config_.announce_interval;
}

void DiscoverySession::pump(Millis wait) {
  if (clock_.now() >= next_announce_) send_announcement();
  auto until = std::min(clock_.now() + wait, next_announce_);
  while (true) {
    auto left = std::chrono::duration_cast<Millis>(until - clock_.now());
    if (left.count() <= 0) break;
    auto got = transport_.receive(left);
    if (!got) break;
    table_.accept(got->payload, clock_.now(), clock_.wall_ms());
  }
}

void DiscoverySession::announce_state(PeerState state, std::uint32_t round, std::uint32_t test,
                                      std::uint32_t port, const std::string& partner) {
  self_.state = state;
  self_.round = round;
  self_.test = test;
  self_.port = port;
  self_.partner = partner;
  send_announcement();
}

std::vector<Member> DiscoverySession::candidates() const {
  auto alive = table_.alive(clock_.now(), config_.peer_timeout);
  std::vector<Member> searching{Member{config_.node_id, config_.speed_mbps}};
  std::map<std::string, std::vector<Member>> frozen;  // by the view they froze on
  for (const PeerRecord* p : alive) {
    if (p->last.state == PeerState::kSearching) {
      searching.push_back(member_of(p->last));
    } else {
      frozen[p->last.view].push_back(member_of(p->last));
    }
  }
  // Peers that already froze a membership that is exactly us plus them.
  for (const auto& [view, group] : frozen) {
    std::vector<Member> joined = searching;
    joined.insert(joined.end(), group.begin(), group.end());
    if (membership_hash(joined) == view) return joined;
  }
  return searching;
}

Expected<Membership> DiscoverySession::discover(const std::atomic<bool>* stop) {
  std::string view;
  auto changed_at = clock_.now();
  while (true) {
    if (stopped(stop)) return make_error("network-stopped", "the run was aborted during discovery");
    pump(Millis(100));
    auto members = candidates();
    std::string h = membership_hash(members);
    if (h != view) {
      view = h;
      changed_at = clock_.now();
      self_.view = view;
      send_announcement();
    }
    bool frozen_group = false;
    bool all_agree = true;
    for (const auto& m : members) {
      if (m.id == config_.node_id) continue;
      const PeerRecord* rec = table_.find(m.id);
      if (rec == nullptr || rec->last.view != view) all_agree = false;
      if (rec != nullptr && rec->last.state != PeerState::kSearching) frozen_group = true;
    }
    bool settled = clock_.now() - changed_at >= config_.settle;
    if (static_cast<int>(members.size()) >= config_.min_nodes && all_agree &&
        (settled || frozen_group)) {
      Membership out;
      out.members = members;
      out.view = view;
      for (const auto& m : members) {
        if (const PeerRecord* rec = table_.find(m.id)) out.announcements[m.id] = rec->last;
      }
      announce_state(PeerState::kPaired, 0, 0, 0, "");
      return out;
    }
    if (clock_.now() - started_ >= config_.window) {
      std::vector<std::string> heard;
      for (const auto& [id, rec] : table_.peers())
        heard.push_back(fmt::format("{} ({})", id, to_string(rec.last.state)));
      std::vector<std::string> dropped;
      for (const auto& [reason, n] : table_.drops())
        dropped.push_back(fmt::format("{} {}", n, to_string(reason)));
      return make_error(
          "network-no-partner",
          fmt::format("no partner on {} ({}) within {} s: {} member(s) agreed of {} needed; peers "
                      "heard: [{}]; "
                      "datagrams dropped: [{}]{}",
                      config_.iface, config_.addr, config_.window.count() / 1000, members.size(),
                      config_.min_nodes, fmt::join(heard, ", "), fmt::join(dropped, ", "),
                      table_.last_drop_detail().empty()
                          ? ""
                          : " (last: " + table_.last_drop_detail() + ")"),
          fmt::format(
              "check that other nodes of delivery '{}' run the network stage on the same L2 "
              "segment at "
              "the same time with the same key; where broadcast cannot reach, list them in `peers`",
              config_.delivery));
    }
  }
}

bool DiscoverySession::partner_silent(const std::string& partner) const {
  const PeerRecord* rec = table_.find(partner);
  return rec == nullptr || clock_.now() - rec->seen > config_.peer_timeout;
}

WaitOutcome DiscoverySession::wait_for(const std::string& partner,
                                       const std::function<bool(const Announcement&)>& ready,
                                       std::chrono::steady_clock::time_point deadline,
                                       const std::atomic<bool>* stop) {
  while (true) {
    if (const PeerRecord* rec = table_.find(partner); rec != nullptr && ready(rec->last))
      return WaitOutcome::kOk;
    if (stopped(stop)) return WaitOutcome::kStopped;
    if (partner_silent(partner)) return WaitOutcome::kVanished;
    if (clock_.now() >= deadline) return WaitOutcome::kTimeout;
    pump(Millis(100));
  }
}

WaitOutcome DiscoverySession::pump_until(const std::string& partner,
                                         const std::function<bool()>& done) {
  WaitOutcome outcome = WaitOutcome::kOk;
  while (!done()) {
    pump(Millis(100));
    if (!partner.empty() && partner_silent(partner)) outcome = WaitOutcome::kVanished;
  }
  return outcome;
}

}  // namespace kiln::runner::network
