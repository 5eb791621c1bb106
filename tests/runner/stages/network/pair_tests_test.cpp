// Figures per direction from iperf3 3.12 -J output captured between two
// network namespaces, from the client's and from the server's side.
#include "kiln_test_paths.hpp"
#include "stages/network/pair_tests.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace kiln::runner::network {
namespace {

tools::Iperf3Result load(const std::string& name) {
  std::ifstream in(std::string(KILN_TEST_DATA_DIR) + "/iperf3/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = tools::parse_iperf3_json(ss.str());
  EXPECT_TRUE(r) << name;
  return r ? *r : tools::Iperf3Result{};
}

TEST(PairTests, ParsesTheTestList) {
  auto tests = parse_test_list({"tcp", "tcp-reverse", "bidir", "udp", "udp-reverse"});
  ASSERT_TRUE(tests);
  EXPECT_EQ(tests->size(), 5U);
  EXPECT_EQ(to_string((*tests)[2]), "bidir");
  EXPECT_FALSE(parse_test_list({"tcp", "sctp"}));
}

TEST(PairTests, ClientArgvPerTest) {
  auto spec = client_spec(TestKind::kUdpReverse, "10.0.0.2", 5202, 7, "2500M");
  auto argv = tools::iperf3_client_argv(spec);
  EXPECT_THAT(argv, ::testing::IsSupersetOf({"-u", "-R", "2500M", "10.0.0.2", "5202", "7"}));
  EXPECT_THAT(tools::iperf3_client_argv(client_spec(TestKind::kBidir, "h", 1, 1, "")),
              ::testing::Contains("--bidir"));
}

TEST(PairTests, UdpRateFromLinkSpeed) {
  EXPECT_EQ(udp_bitrate_for(25000, 0.25, "500M"), "6250M");
  EXPECT_EQ(udp_bitrate_for(0, 0.25, "500M"), "500M");
}

TEST(PairTests, TcpForwardFromBothSides) {
  auto client = figures_of(load("netns-client-tcp.json"), TestKind::kTcp);
  auto server = figures_of(load("netns-server-tcp.json"), TestKind::kTcp);
  ASSERT_TRUE(client.forward.bits_per_second && server.forward.bits_per_second);
  EXPECT_GT(*client.forward.bits_per_second, 1e8);
  // The client reports what the receiver got: the server's own figure.
  EXPECT_NEAR(*client.forward.bits_per_second, *server.forward.bits_per_second, 1.0);
  EXPECT_TRUE(client.retransmits.has_value());
  EXPECT_FALSE(client.reverse.bits_per_second);
}

TEST(PairTests, TcpReverseServerSideUsesWhatItSent) {
  auto server = figures_of(load("netns-server-tcp-reverse.json"), TestKind::kTcpReverse);
  auto client = figures_of(load("netns-client-tcp-reverse.json"), TestKind::kTcpReverse);
  ASSERT_TRUE(server.reverse.bits_per_second && client.reverse.bits_per_second);
  EXPECT_GT(*server.reverse.bits_per_second, 1e8);
  EXPECT_GT(*client.reverse.bits_per_second, 1e8);
}

TEST(PairTests, BidirBothDirectionsFromBothSides) {
  for (const char* f : {"netns-client-bidir.json", "netns-server-bidir.json", "bidir.json"}) {
    auto fig = figures_of(load(f), TestKind::kBidir);
    EXPECT_TRUE(fig.forward.bits_per_second && *fig.forward.bits_per_second > 1e8) << f;
    EXPECT_TRUE(fig.reverse.bits_per_second && *fig.reverse.bits_per_second > 1e8) << f;
  }
}

TEST(PairTests, UdpLossAndJitterOnlyFromTheReceiver) {
  auto client = figures_of(load("netns-client-udp.json"), TestKind::kUdp);
  EXPECT_TRUE(client.forward.loss_percent && client.forward.jitter_ms);
  auto receiving_client = figures_of(load("netns-client-udp-reverse.json"), TestKind::kUdpReverse);
  EXPECT_TRUE(receiving_client.reverse.loss_percent);
  // The sending server's own output has no receiver figures: no loss claimed.
  auto sending_server = figures_of(load("netns-server-udp-reverse.json"), TestKind::kUdpReverse);
  EXPECT_TRUE(sending_server.reverse.bits_per_second);
  EXPECT_FALSE(sending_server.reverse.loss_percent);
}

TEST(PairTests, ErrorOutputsGiveNoFigures) {
  auto fig = figures_of(load("refused.json"), TestKind::kTcp);
  EXPECT_FALSE(fig.forward.bits_per_second);
}

}  // namespace
}  // namespace kiln::runner::network
