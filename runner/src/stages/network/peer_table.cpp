#include "stages/network/peer_table.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace kiln::runner::network {

void PeerTable::drop(DropReason r, std::string detail) {
  ++drops_[r];
  last_drop_detail_ = std::move(detail);
}

bool PeerTable::accept(std::string_view datagram, std::chrono::steady_clock::time_point now,
                       std::uint64_t wall_ms) {
  ParseResult parsed = parse_announcement(datagram, options_.key);
  if (!parsed.ok) {
    drop(parsed.error.reason, parsed.error.detail);
    return false;
  }
  const Announcement& a = parsed.announcement;
  if (a.node == options_.self_node) return false;  // our own broadcast, looped back
  if (!options_.allow_mixed_deliveries && a.delivery != options_.delivery) {
    drop(DropReason::kForeignDelivery,
         fmt::format("node {} is of delivery '{}'", a.node, a.delivery));
    return false;
  }
  if (options_.max_clock_skew.count() > 0) {
    auto skew = static_cast<long long>(a.time_ms) - static_cast<long long>(wall_ms);
    if (std::llabs(skew) > options_.max_clock_skew.count()) {
      drop(DropReason::kReplayed,
           fmt::format("node {}: timestamp {} ms off our clock", a.node, skew));
      return false;
    }
  }
  auto it = peers_.find(a.node);
  if (it != peers_.end()) {
    const Announcement& prev = it->second.last;
    bool same_session = prev.nonce == a.nonce;
    if ((same_session && a.seq <= prev.seq) || (!same_session && a.time_ms <= prev.time_ms)) {
      drop(DropReason::kReplayed,
           fmt::format("node {}: seq {} nonce {} already seen", a.node, a.seq, a.nonce));
      return false;
    }
  }
  peers_[a.node] = PeerRecord{a, now};
  ++accepted_;
  return true;
}

const PeerRecord* PeerTable::find(const std::string& node) const {
  auto it = peers_.find(node);
  return it == peers_.end() ? nullptr : &it->second;
}

std::vector<const PeerRecord*> PeerTable::alive(std::chrono::steady_clock::time_point now,
                                                std::chrono::milliseconds max_age) const {
  std::vector<const PeerRecord*> out;
  for (const auto& [id, rec] : peers_) {
    if (now - rec.seen <= max_age) out.push_back(&rec);
  }
  return out;
}

}  // namespace kiln::runner::network
