// ping's summary, as iputils prints it (captured between namespaces).
#include "kiln_test_paths.hpp"
#include "tools/ping.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace kiln::tools {
namespace {

std::string load(const std::string& name) {
  std::ifstream in(std::string(KILN_TEST_DATA_DIR) + "/ping/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PingSummary, AllReplies) {
  auto s = parse_ping_summary(load("ok-5-of-5.txt"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->transmitted, 5);
  EXPECT_EQ(s->received, 5);
  EXPECT_DOUBLE_EQ(s->loss_percent, 0);
  EXPECT_DOUBLE_EQ(*s->rtt_min_ms, 0.045);
  EXPECT_DOUBLE_EQ(*s->rtt_avg_ms, 0.125);
  EXPECT_DOUBLE_EQ(*s->rtt_max_ms, 0.444);
  EXPECT_DOUBLE_EQ(*s->rtt_mdev_ms, 0.159);
}

TEST(PingSummary, NoReplyHasNoRtt) {
  auto s = parse_ping_summary(load("unreachable-100-percent-loss.txt"));
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->loss_percent, 100);
  EXPECT_FALSE(s->rtt_avg_ms);
}

TEST(PingSummary, ErrorsCountAndPartialLoss) {
  auto s = parse_ping_summary(
      "--- 10.0.0.9 ping statistics ---\n40 packets transmitted, 37 received, +3 errors, 7.5% "
      "packet loss, time 9s\n"
      "rtt min/avg/max/mdev = 0.1/0.2/3.5/0.4 ms, pipe 2\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->received, 37);
  EXPECT_DOUBLE_EQ(s->loss_percent, 7.5);
  EXPECT_DOUBLE_EQ(*s->rtt_max_ms, 3.5);
}

// Found by fuzz/ (target ping): a packet count of 8e38 was cast to int (UB).
TEST(PingSummary, CountsThatAreNoIntAreAnError) {
  for (std::string_view bad :
       {"818888888888888888888888888888888888888 packets transmitted, 5 received, 0% packet loss\n",
        "5 packets transmitted, 4.5 received, 10% packet loss\n",
        "3000000000 packets transmitted, 5 received, 0% packet loss\n"}) {
    auto s = parse_ping_summary(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_NE(s.error().message.find("summary line not understood"), std::string::npos);
  }
}

TEST(PingSummary, GarbageIsAnError) {
  const std::string bad_rtt =
      "1 packets transmitted, 1 received, 0% packet loss\nrtt min/avg/max/mdev = a/b/c/d ms\n";
  const std::vector<std::string_view> inputs = {"", "ping: connect: Network is unreachable\n",
                                                " packets transmitted",
                                                "x packets transmitted, y received\n", bad_rtt};
  for (std::string_view bad : inputs) {
    auto s = parse_ping_summary(bad);
    EXPECT_FALSE(s) << bad;
    if (!s) {
      EXPECT_EQ(s.error().code, kPingParseError);
    }
  }
}

TEST(PingArgv, NamesTheInterface) {
  EXPECT_THAT(ping_argv("10.0.0.2", 40, 0.25, "eth1"),
              ::testing::ElementsAre("ping", "-n", "-q", "-c", "40", "-i", "0.25", "-I", "eth1",
                                     "10.0.0.2"));
}

}  // namespace
}  // namespace kiln::tools
