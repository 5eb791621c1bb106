// Discovery: agreement among real sessions on an in-memory segment, and the
// failure paths (no partner, partner vanished, abort) on a fake clock: fast.
#include "stages/network/discovery_session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "runner/stages/network/fake_network.hpp"

namespace kiln::runner::network {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::FakeClock;
using testing::ScriptedTransport;
using testing::Segment;

SessionConfig config_for(const std::string& id, int min_nodes = 2) {
  SessionConfig c;
  c.node_id = id;
  c.delivery = "PO-1";
  c.key = "secret";
  c.iface = "eth0";
  c.addr = "10.0.0." + id.substr(1);
  c.broadcast = "10.0.0.255";
  c.min_nodes = min_nodes;
  c.announce_interval = 50ms;
  c.settle = 300ms;
  c.peer_timeout = 1s;
  c.window = 20s;
  return c;
}

Announcement foreign(const std::string& node, const std::string& delivery) {
  Announcement a;
  a.node = node;
  a.delivery = delivery;
  a.iface = "eth9";
  a.addr = "10.0.0.99";
  a.nonce = "f";
  a.seq = 1;
  a.time_ms = 1;
  return a;
}

TEST(DiscoverySession, NoPartnerWithinWindowIsAnErrorNamingWhatWasHeard) {
  FakeClock clock;
  ScriptedTransport transport(clock);
  transport.inbox.push_back(
      {encode_announcement(foreign("EVIL", "PO-1"), "guessed-key"), "10.0.0.66"});
  transport.inbox.push_back({encode_announcement(foreign("OTHER", "PO-9"), "secret"), "10.0.0.67"});
  transport.inbox.push_back({"garbage", "10.0.0.68"});
  auto c = config_for("N1");
  c.window = 10min;
  DiscoverySession session(c, transport, clock);
  auto started = std::chrono::steady_clock::now();
  auto result = session.discover(nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "a fake clock must make this fast";
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "network-no-partner");
  EXPECT_THAT(result.error().message, HasSubstr("no partner on eth0 (10.0.0.1) within 600 s"));
  EXPECT_THAT(result.error().message, HasSubstr("1 unauthenticated"));
  EXPECT_THAT(result.error().message, HasSubstr("1 foreign_delivery"));
  EXPECT_THAT(result.error().message, HasSubstr("1 malformed"));
  EXPECT_THAT(result.error().remedy, HasSubstr("peers"));
  EXPECT_GE(transport.sent.size(), 600U * 20U - 10U) << "announced every 50 ms meanwhile";
}

TEST(DiscoverySession, StaticPeersGetEveryAnnouncementToo) {
  FakeClock clock;
  ScriptedTransport transport(clock);
  auto c = config_for("N1");
  c.window = 1s;
  c.static_peers = {"192.0.2.7"};
  DiscoverySession session(c, transport, clock);
  (void)session.discover(nullptr);
  auto to_peer = std::count_if(transport.sent.begin(), transport.sent.end(),
                               [](const auto& s) { return s.first == "192.0.2.7"; });
  EXPECT_GT(to_peer, 10);
}

TEST(DiscoverySession, AbortEndsDiscovery) {
  FakeClock clock;
  ScriptedTransport transport(clock);
  std::atomic<bool> stop{true};
  DiscoverySession session(config_for("N1"), transport, clock);
  auto result = session.discover(&stop);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "network-stopped");
}

TEST(DiscoverySession, SilentPartnerIsReportedVanished) {
  FakeClock clock;
  ScriptedTransport transport(clock);
  Announcement b = foreign("N2", "PO-1");
  transport.inbox.push_back({encode_announcement(b, "secret"), "10.0.0.2"});
  DiscoverySession session(config_for("N1"), transport, clock);
  auto w = session.wait_for(
      "N2", [](const Announcement& a) { return a.state == PeerState::kReady; }, clock.now() + 1h,
      nullptr);
  EXPECT_EQ(w, WaitOutcome::kVanished);
  EXPECT_TRUE(session.partner_silent("N2"));
}

// n sessions on threads, real clock, in-memory broadcast.
std::vector<Expected<Membership>> discover_all(int n, int min_nodes) {
  Segment segment;
  SystemClock clock;
  std::vector<std::unique_ptr<DiscoverySession>> sessions;
  for (int i = 1; i <= n; ++i) {
    std::string id = "N" + std::to_string(i);
    sessions.push_back(std::make_unique<DiscoverySession>(
        config_for(id, min_nodes), segment.join("10.0.0." + std::to_string(i)), clock));
  }
  std::vector<Expected<Membership>> results(static_cast<std::size_t>(n), make_error("unset", ""));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto r = sessions[static_cast<std::size_t>(i)]->discover(nullptr);
      // Keep announcing a little so slower peers hear the frozen state.
      sessions[static_cast<std::size_t>(i)]->pump_until(
          {}, [&, t = clock.now()] { return clock.now() - t > 500ms; });
      results[static_cast<std::size_t>(i)] = std::move(r);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

TEST(DiscoverySession, AllSessionsAgreeOnTheSameMembership) {
  for (int n : {2, 3, 5}) {
    auto results = discover_all(n, n);
    ASSERT_TRUE(results[0]) << results[0].error().message;
    for (const auto& r : results) {
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->members.size(), static_cast<std::size_t>(n));
      EXPECT_EQ(r->view, results[0]->view);
      EXPECT_EQ(compute_schedule(r->members, false).pairs,
                compute_schedule(results[0]->members, false).pairs);
    }
  }
}

}  // namespace
}  // namespace kiln::runner::network
