// The discovery datagram: round trip, and every way a datagram from the wire
// can be wrong is dropped with its reason, never a crash.
#include "stages/network/announcement.hpp"

#include <gtest/gtest.h>

#include <random>

namespace kiln::runner::network {
namespace {

constexpr std::string_view kKey = "delivery-secret";

Announcement sample() {
  Announcement a;
  a.node = "KILN-DEMO-0001";
  a.delivery = "PO-2026-0042";
  a.iface = "eth0";
  a.addr = "10.77.0.1";
  a.speed_mbps = 25000;
  a.state = PeerState::kReady;
  a.view = "0123456789abcdef";
  a.round = 2;
  a.test = 3;
  a.port = 5201;
  a.partner = "KILN-DEMO-0002";
  a.nonce = "deadbeefcafe0001";
  a.seq = 42;
  a.time_ms = 1760000000123;
  return a;
}

TEST(Announcement, RoundTrips) {
  auto wire = encode_announcement(sample(), kKey);
  EXPECT_TRUE(wire.starts_with("KILN-NET/1\n"));
  EXPECT_LE(wire.size(), kMaxDatagram);
  auto parsed = parse_announcement(wire, kKey);
  ASSERT_TRUE(parsed.ok) << parsed.error.detail;
  const Announcement& a = parsed.announcement;
  EXPECT_EQ(a.node, "KILN-DEMO-0001");
  EXPECT_EQ(a.delivery, "PO-2026-0042");
  EXPECT_EQ(a.speed_mbps, 25000U);
  EXPECT_EQ(a.state, PeerState::kReady);
  EXPECT_EQ(a.round, 2U);
  EXPECT_EQ(a.test, 3U);
  EXPECT_EQ(a.port, 5201U);
  EXPECT_EQ(a.partner, "KILN-DEMO-0002");
  EXPECT_EQ(a.seq, 42U);
  EXPECT_EQ(a.time_ms, 1760000000123U);
}

TEST(Announcement, WrongKeyIsUnauthenticated) {
  auto parsed = parse_announcement(encode_announcement(sample(), kKey), "other-key");
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error.reason, DropReason::kBadHmac);
}

TEST(Announcement, AnyChangedFieldBreaksTheHmac) {
  std::string wire = encode_announcement(sample(), kKey);
  auto pos = wire.find("speed=25000");
  wire.replace(pos, 11, "speed=99999");
  EXPECT_EQ(parse_announcement(wire, kKey).error.reason, DropReason::kBadHmac);
}

TEST(Announcement, EveryTruncationIsRejected) {
  std::string wire = encode_announcement(sample(), kKey);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto parsed = parse_announcement(std::string_view(wire).substr(0, n), kKey);
    EXPECT_FALSE(parsed.ok) << "accepted a datagram cut at " << n;
  }
}

TEST(Announcement, OtherVersionIsNamed) {
  std::string wire = encode_announcement(sample(), kKey);
  wire.replace(0, 10, "KILN-NET/2");
  EXPECT_EQ(parse_announcement(wire, kKey).error.reason, DropReason::kVersion);
  EXPECT_EQ(parse_announcement("RIG-IPERF-SERVER 10.99.0.1", kKey).error.reason,
            DropReason::kMalformed);
}

TEST(Announcement, OversizedAndBadValuesAreMalformed) {
  EXPECT_EQ(parse_announcement(std::string(kMaxDatagram + 1, 'A'), kKey).error.reason,
            DropReason::kMalformed);
  Announcement a = sample();
  a.node = std::string(kMaxValue + 1, 'N');
  EXPECT_EQ(parse_announcement(encode_announcement(a, kKey), kKey).error.reason,
            DropReason::kMalformed);
  a = sample();
  a.node = "has space";
  EXPECT_EQ(parse_announcement(encode_announcement(a, kKey), kKey).error.reason,
            DropReason::kMalformed);
}

TEST(Announcement, AuthenticatedButNonsenseNumbersAreMalformed) {
  // A sender holding the key still cannot make the parser misbehave.
  std::string body =
      "KILN-NET/"
      "1\nnode=A\ndelivery=D\niface=e\naddr=1.2.3.4\nspeed=-1\nstate=ready\nview=\nround=0\ntest="
      "0\n"
      "port=70000\npartner=\nnonce=n\nseq=1\ntime=1\n";
  std::string wire = body + "hmac=" + hmac_sha256_hex(kKey, body) + "\n";
  EXPECT_EQ(parse_announcement(wire, kKey).error.reason, DropReason::kMalformed);
}

TEST(Announcement, RandomBytesAndMutationsNeverCrash) {
  std::mt19937 rng(1234);
  std::string wire = encode_announcement(sample(), kKey);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string d = wire;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) d[rng() % d.size()] = static_cast<char>(rng() % 256);
    if (i % 5 == 0) d.resize(rng() % (kMaxDatagram + 10), static_cast<char>(rng() % 256));
    if (d == wire) continue;
    accepted += parse_announcement(d, kKey).ok ? 1 : 0;
  }
  EXPECT_EQ(accepted, 0);
}

}  // namespace
}  // namespace kiln::runner::network
