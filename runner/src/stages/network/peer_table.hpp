// The peers one interface has heard from: every datagram goes through
// accept(), which drops (and counts) malformed, unauthenticated, replayed,
// foreign-delivery datagrams and our own echo, and keeps the latest valid
// announcement of each peer with the time it arrived.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "stages/network/announcement.hpp"

namespace kiln::runner::network {

struct PeerRecord {
  Announcement last;
  std::chrono::steady_clock::time_point seen;
};

struct PeerTableOptions {
  std::string self_node;
  std::string delivery;
  std::string key;
  bool allow_mixed_deliveries = false;
  std::chrono::milliseconds max_clock_skew{0};  // 0 = not checked
};

class PeerTable {
 public:
  explicit PeerTable(PeerTableOptions options) : options_(std::move(options)) {}

  // True when the datagram was a valid announcement of another node.
  bool accept(std::string_view datagram, std::chrono::steady_clock::time_point now,
              std::uint64_t wall_ms);

  [[nodiscard]] const std::map<std::string, PeerRecord>& peers() const { return peers_; }
  [[nodiscard]] const PeerRecord* find(const std::string& node) const;
  // Peers heard from within `max_age` of `now`.
  [[nodiscard]] std::vector<const PeerRecord*> alive(std::chrono::steady_clock::time_point now,
                                                     std::chrono::milliseconds max_age) const;
  [[nodiscard]] const std::map<DropReason, std::uint64_t>& drops() const { return drops_; }
  [[nodiscard]] std::uint64_t accepted() const { return accepted_; }
  [[nodiscard]] const std::string& last_drop_detail() const { return last_drop_detail_; }

 private:
  void drop(DropReason r, std::string detail);

  PeerTableOptions options_;
  std::map<std::string, PeerRecord> peers_;
  std::map<DropReason, std::uint64_t> drops_;
  std::uint64_t accepted_ = 0;
  std::string last_drop_detail_;
};

}  // namespace kiln::runner::network
