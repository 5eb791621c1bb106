// What the peer table keeps and what it drops (and counts).
#include "stages/network/peer_table.hpp"

#include <gtest/gtest.h>

namespace kiln::runner::network {
namespace {

using std::chrono::milliseconds;
constexpr std::string_view kKey = "k";
constexpr auto kT0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
constexpr std::uint64_t kWall = 1'760'000'000'000ULL;

Announcement from(const std::string& node, std::uint64_t seq, const std::string& nonce = "n1",
                  std::uint64_t time_ms = kWall) {
  Announcement a;
  a.node = node;
  a.delivery = "PO-1";
  a.iface = "eth0";
  a.addr = "10.0.0.2";
  a.nonce = nonce;
  a.seq = seq;
  a.time_ms = time_ms;
  return a;
}

PeerTable table(bool mixed = false, milliseconds skew = milliseconds(0)) {
  return PeerTable(PeerTableOptions{"SELF", "PO-1", std::string(kKey), mixed, skew});
}

std::uint64_t drops(const PeerTable& t, DropReason r) {
  auto it = t.drops().find(r);
  return it == t.drops().end() ? 0 : it->second;
}

TEST(PeerTable, KeepsLatestAnnouncementOfEachPeer) {
  auto t = table();
  EXPECT_TRUE(t.accept(encode_announcement(from("B", 1), kKey), kT0, kWall));
  EXPECT_TRUE(t.accept(encode_announcement(from("B", 2), kKey), kT0 + milliseconds(500), kWall));
  EXPECT_TRUE(t.accept(encode_announcement(from("C", 1), kKey), kT0, kWall));
  ASSERT_NE(t.find("B"), nullptr);
  EXPECT_EQ(t.find("B")->last.seq, 2U);
  EXPECT_EQ(t.alive(kT0 + milliseconds(5200), milliseconds(5000)).size(), 1U);  // C went silent
}

TEST(PeerTable, ReplayedDatagramsAreDroppedAndCounted) {
  auto t = table();
  std::string d5 = encode_announcement(from("B", 5), kKey);
  EXPECT_TRUE(t.accept(d5, kT0, kWall));
  EXPECT_FALSE(t.accept(d5, kT0, kWall));                                       // the same again
  EXPECT_FALSE(t.accept(encode_announcement(from("B", 3), kKey), kT0, kWall));  // an older one
  // An earlier session of the same node (other nonce, older clock) is a replay too.
  EXPECT_FALSE(
      t.accept(encode_announcement(from("B", 99, "old", kWall - 60000), kKey), kT0, kWall));
  EXPECT_EQ(drops(t, DropReason::kReplayed), 3U);
  // A restarted node (new nonce, later clock) is welcome.
  EXPECT_TRUE(t.accept(encode_announcement(from("B", 1, "n2", kWall + 10), kKey), kT0, kWall));
}

TEST(PeerTable, ClockSkewCheckDropsStaleAnnouncements) {
  auto t = table(false, milliseconds(30000));
  EXPECT_FALSE(
      t.accept(encode_announcement(from("B", 1, "n", kWall - 3'600'000), kKey), kT0, kWall));
  EXPECT_EQ(drops(t, DropReason::kReplayed), 1U);
  EXPECT_TRUE(t.accept(encode_announcement(from("B", 2, "n", kWall - 1000), kKey), kT0, kWall));
}

TEST(PeerTable, ForeignDeliveryIgnoredUnlessMixingAllowed) {
  Announcement other = from("X", 1);
  other.delivery = "PO-2";
  auto strict = table();
  EXPECT_FALSE(strict.accept(encode_announcement(other, kKey), kT0, kWall));
  EXPECT_EQ(drops(strict, DropReason::kForeignDelivery), 1U);
  auto mixed = table(true);
  EXPECT_TRUE(mixed.accept(encode_announcement(other, kKey), kT0, kWall));
}

TEST(PeerTable, OwnEchoIsNotAPeerNorADrop) {
  auto t = table();
  EXPECT_FALSE(t.accept(encode_announcement(from("SELF", 1), kKey), kT0, kWall));
  EXPECT_TRUE(t.peers().empty());
  EXPECT_TRUE(t.drops().empty());
}

TEST(PeerTable, UnauthenticatedAndGarbageCounted) {
  auto t = table();
  EXPECT_FALSE(t.accept(encode_announcement(from("B", 1), "wrong key"), kT0, kWall));
  EXPECT_FALSE(t.accept("hello", kT0, kWall));
  EXPECT_EQ(drops(t, DropReason::kBadHmac), 1U);
  EXPECT_EQ(drops(t, DropReason::kMalformed), 1U);
  EXPECT_TRUE(t.peers().empty());
}

}  // namespace
}  // namespace kiln::runner::network
