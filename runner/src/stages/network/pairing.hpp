// Deterministic pairing: every node computes the same schedule from the same
// membership, whatever order it heard the members in. No coordinator.
//   1. Members are grouped by negotiated link speed (0 = unknown is a class).
//   2. Round 1: within each class, sorted by id, neighbours pair (1st-2nd, 3rd-4th...).
//   3. The odd member of each class: these pair with each other in round 1,
//      sorted by (speed, id), judged at the slower speed ("mixed" pairs).
//   4. One still left: with a reference endpoint it tests against that in
//      round 1; else round 2 with the lowest id of its class (or of all).
// In every pair the lower id runs the iperf3 client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::runner::network {

struct Member {
  std::string id;
  std::uint32_t speed_mbps = 0;  // 0 = unknown
  bool operator==(const Member&) const = default;
};

struct Pair {
  int round = 1;
  std::string client;  // lower id
  std::string server;  // higher id; empty when the client tests the reference endpoint
  bool mixed_speed = false;
  bool reference = false;
  bool operator==(const Pair&) const = default;
};

struct Schedule {
  std::vector<Pair> pairs;  // by round, then client id
  int rounds = 0;
};

Schedule compute_schedule(std::vector<Member> members, bool have_reference);

// This node's pairs in round order.
std::vector<Pair> pairs_of(const Schedule& schedule, const std::string& id);

// Short hex hash of the sorted membership ("id:speed" lines): what nodes
// announce so each can tell that all see the same set.
std::string membership_hash(std::vector<Member> members);

}  // namespace kiln::runner::network
