// Pairing is a pure function of the membership: every node, whatever order it
// heard the others in, computes the same schedule.
#include "stages/network/pairing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace kiln::runner::network {
namespace {

std::vector<Member> nodes(int n, std::uint32_t speed = 10000, const std::string& prefix = "N") {
  std::vector<Member> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(Member{prefix + std::to_string(10 + i), speed});
  return out;
}

// Every member appears in exactly one round-1 pair or the round-2 pair.
void expect_everyone_tested(const Schedule& s, const std::vector<Member>& members) {
  for (const auto& m : members) EXPECT_FALSE(pairs_of(s, m.id).empty()) << m.id << " was left out";
  std::map<std::pair<int, std::string>, int> per_round;
  for (const auto& p : s.pairs) {
    EXPECT_LT(p.client, p.server.empty() ? std::string("\x7f") : p.server)
        << "lower id must be the client";
    ++per_round[{p.round, p.client}];
    if (!p.server.empty()) ++per_round[{p.round, p.server}];
  }
  for (const auto& [key, n] : per_round)
    EXPECT_EQ(n, 1) << key.second << " twice in round " << key.first;
}

TEST(Pairing, SameScheduleForEveryPermutation) {
  for (int n : {2, 3, 4, 5, 7, 16}) {
    auto members = nodes(n);
    members[1].speed_mbps = n > 4 ? 25000 : 10000;
    Schedule reference = compute_schedule(members, false);
    std::string reference_hash = membership_hash(members);
    std::mt19937 rng(static_cast<unsigned>(n));
    for (int i = 0; i < 50; ++i) {
      std::shuffle(members.begin(), members.end(), rng);
      Schedule s = compute_schedule(members, false);
      EXPECT_EQ(s.pairs, reference.pairs) << n << " nodes, permutation " << i;
      EXPECT_EQ(membership_hash(members), reference_hash);
    }
    expect_everyone_tested(reference, members);
  }
}

TEST(Pairing, EvenCountPairsNeighboursInOneRound) {
  Schedule s = compute_schedule(nodes(4), false);
  ASSERT_EQ(s.pairs.size(), 2U);
  EXPECT_EQ(s.rounds, 1);
  EXPECT_EQ(s.pairs[0], (Pair{1, "N10", "N11", false, false}));
  EXPECT_EQ(s.pairs[1], (Pair{1, "N12", "N13", false, false}));
}

TEST(Pairing, OddNodeOutGetsASecondRound) {
  Schedule s = compute_schedule(nodes(5), false);
  EXPECT_EQ(s.rounds, 2);
  ASSERT_EQ(s.pairs.size(), 3U);
  EXPECT_EQ(s.pairs[2], (Pair{2, "N10", "N14", false, false}));
  expect_everyone_tested(s, nodes(5));
}

TEST(Pairing, OddNodeOutTestsTheReferenceEndpointInRoundOne) {
  Schedule s = compute_schedule(nodes(3), true);
  EXPECT_EQ(s.rounds, 1);
  ASSERT_EQ(s.pairs.size(), 2U);
  EXPECT_TRUE(s.pairs[1].reference);
  EXPECT_EQ(s.pairs[1].client, "N12");
}

TEST(Pairing, SpeedClassesPairAmongThemselves) {
  auto members = nodes(4, 10000, "A");
  auto fast = nodes(4, 100000, "B");
  members.insert(members.end(), fast.begin(), fast.end());
  Schedule s = compute_schedule(members, false);
  for (const auto& p : s.pairs) {
    EXPECT_EQ(p.client[0], p.server[0]) << p.client << " paired with " << p.server;
    EXPECT_FALSE(p.mixed_speed);
  }
}

TEST(Pairing, OddMembersOfTwoClassesPairMixedInRoundOne) {
  auto members = nodes(3, 10000, "A");
  auto fast = nodes(3, 25000, "B");
  members.insert(members.end(), fast.begin(), fast.end());
  Schedule s = compute_schedule(members, false);
  EXPECT_EQ(s.rounds, 1);
  ASSERT_EQ(s.pairs.size(), 3U);
  auto mixed =
      std::find_if(s.pairs.begin(), s.pairs.end(), [](const Pair& p) { return p.mixed_speed; });
  ASSERT_NE(mixed, s.pairs.end());
  EXPECT_EQ(mixed->client, "A12");
  EXPECT_EQ(mixed->server, "B12");
}

TEST(Pairing, UnknownSpeedIsAClassOfItsOwn) {
  std::vector<Member> members{{"a", 0}, {"b", 10000}, {"c", 0}, {"d", 10000}};
  Schedule s = compute_schedule(members, false);
  EXPECT_EQ(s.pairs[0], (Pair{1, "a", "c", false, false}));
  EXPECT_EQ(s.pairs[1], (Pair{1, "b", "d", false, false}));
}

TEST(Pairing, AloneMeansNoPair) {
  EXPECT_TRUE(compute_schedule(nodes(1), false).pairs.empty());
  EXPECT_TRUE(compute_schedule({}, false).pairs.empty());
}

TEST(Pairing, DuplicateAnnouncementsCountOnce) {
  auto members = nodes(2);
  members.push_back(members[0]);
  EXPECT_EQ(compute_schedule(members, false).pairs.size(), 1U);
  EXPECT_EQ(membership_hash(members), membership_hash(nodes(2)));
}

TEST(Pairing, HashIsOrderIndependentAndSeesSpeed) {
  auto a = nodes(5);
  auto b = a;
  std::reverse(b.begin(), b.end());
  EXPECT_EQ(membership_hash(a), membership_hash(b));
  b[0].speed_mbps = 1000;
  EXPECT_NE(membership_hash(a), membership_hash(b));
}

}  // namespace
}  // namespace kiln::runner::network
