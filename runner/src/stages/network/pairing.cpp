#include "stages/network/pairing.hpp"

#include <algorithm>
#include <map>

#include "kiln/config.hpp"

namespace kiln::runner::network {
namespace {

bool by_id(const Member& a, const Member& b) {
  return a.id < b.id;
}

Pair make_pair(int round, const Member& a, const Member& b) {
  Pair p;
  p.round = round;
  p.client = std::min(a.id, b.id);
  p.server = std::max(a.id, b.id);
  p.mixed_speed = a.speed_mbps != b.speed_mbps;
  return p;
}

void canonical(std::vector<Member>& members) {
  std::sort(members.begin(), members.end(), by_id);
  members.erase(std::unique(members.begin(), members.end(),
                            [](const Member& a, const Member& b) { return a.id == b.id; }),
                members.end());
}

}  // namespace

Schedule compute_schedule(std::vector<Member> members, bool have_reference) {
  canonical(members);
  std::map<std::uint32_t, std::vector<Member>> classes;
  for (const auto& m : members) classes[m.speed_mbps].push_back(m);

  Schedule s;
  std::vector<Member> odd;
  for (auto& [speed, list] : classes) {
    for (std::size_t i = 0; i + 1 < list.size(); i += 2)
      s.pairs.push_back(make_pair(1, list[i], list[i + 1]));
    if (list.size() % 2 == 1) odd.push_back(list.back());
  }
  // `odd` is already sorted by (speed, id): classes iterate by speed.
  for (std::size_t i = 0; i + 1 < odd.size(); i += 2)
    s.pairs.push_back(make_pair(1, odd[i], odd[i + 1]));
  if (odd.size() % 2 == 1) {
    const Member& last = odd.back();
    if (have_reference) {
      Pair p;
      p.client = last.id;
      p.reference = true;
      s.pairs.push_back(p);
    } else if (members.size() > 1) {
      const auto& own_class = classes[last.speed_mbps];
      const Member& partner = own_class.size() > 1            ? own_class.front()
                              : members.front().id != last.id ? members.front()
                                                              : members[1];
      s.pairs.push_back(make_pair(2, last, partner));
    }
  }
  std::sort(s.pairs.begin(), s.pairs.end(), [](const Pair& a, const Pair& b) {
    return std::tie(a.round, a.client, a.server) < std::tie(b.round, b.client, b.server);
  });
  for (const auto& p : s.pairs) s.rounds = std::max(s.rounds, p.round);
  return s;
}

std::vector<Pair> pairs_of(const Schedule& schedule, const std::string& id) {
  std::vector<Pair> out;
  for (const auto& p : schedule.pairs) {
    if (p.client == id || p.server == id) out.push_back(p);
  }
  return out;
}

std::string membership_hash(std::vector<Member> members) {
  canonical(members);
  std::string text;
  for (const auto& m : members) text += m.id + ":" + std::to_string(m.speed_mbps) + "\n";
  return sha256_hex(text).substr(0, 16);
}

}  // namespace kiln::runner::network
