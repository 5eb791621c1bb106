#include "tools/iperf3.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

Iperf3Result parse_ok(std::string_view name) {
  auto r = parse_iperf3_json(data_file("iperf3", name));
  EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Iperf3Result{};
}

TEST(Iperf3Argv, ClientAndServer) {
  Iperf3ClientSpec spec;
  spec.host = "10.77.0.2";
  spec.duration_s = 30;
  EXPECT_EQ(iperf3_client_argv(spec), (std::vector<std::string>{"iperf3", "-c", "10.77.0.2", "-p",
                                                                "5201", "-J", "-t", "30"}));
  spec.reverse = true;
  spec.udp = true;
  spec.udp_bitrate = "10G";
  EXPECT_EQ(iperf3_client_argv(spec),
            (std::vector<std::string>{"iperf3", "-c", "10.77.0.2", "-p", "5201", "-J", "-t", "30",
                                      "-R", "-u", "-b", "10G"}));
  spec = Iperf3ClientSpec{};
  spec.host = "h";
  spec.bidir = true;
  EXPECT_EQ(iperf3_client_argv(spec).back(), "--bidir");
  EXPECT_EQ(iperf3_server_argv(5202),
            (std::vector<std::string>{"iperf3", "-s", "-p", "5202", "-1", "-J"}));
}

TEST(Iperf3, Tcp) {
  Iperf3Result r = parse_ok("tcp.json");
  EXPECT_EQ(r.problem(), "");
  EXPECT_EQ(r.protocol, "TCP");
  EXPECT_EQ(r.version, "iperf 3.12");
  ASSERT_TRUE(r.sum_sent && r.sum_received);
  EXPECT_EQ(r.sum_sent->retransmits, 2142U);
  EXPECT_EQ(r.sum_sent->bytes, 3473408000U);
  EXPECT_NEAR(r.sum_received->bits_per_second, 9228998564.81, 0.01);
}

TEST(Iperf3, UdpLossAndJitter) {
  Iperf3Result r = parse_ok("udp.json");
  EXPECT_EQ(r.protocol, "UDP");
  ASSERT_TRUE(r.sum_received.has_value());
  EXPECT_EQ(r.sum_received->lost_packets, 56209U);
  EXPECT_EQ(r.sum_received->packets, 253432U);
  EXPECT_NEAR(r.sum_received->lost_percent.value_or(0), 22.179, 0.001);
  EXPECT_NEAR(r.sum_received->jitter_ms.value_or(0), 0.006738, 1e-6);
  ASSERT_TRUE(r.sum.has_value());
  EXPECT_NEAR(r.sum->lost_percent.value_or(0), 22.179, 0.001);
}

TEST(Iperf3, BidirBothDirections) {
  Iperf3Result r = parse_ok("bidir.json");
  ASSERT_TRUE(r.sum_sent_bidir_reverse.has_value());
  ASSERT_TRUE(r.sum_received_bidir_reverse.has_value());
  EXPECT_EQ(r.sum_sent->retransmits, 4951U);
  EXPECT_EQ(r.sum_sent->bytes, 3039690752U);
  EXPECT_EQ(r.sum_sent_bidir_reverse->retransmits, 2664U);
  EXPECT_EQ(r.local_host, "10.77.0.1");
  EXPECT_EQ(r.remote_host, "10.77.0.2");
}

TEST(Iperf3, ErrorWithExitZero) {
  Iperf3Result refused = parse_ok("refused.json");
  EXPECT_EQ(refused.error, "unable to connect to server: Connection refused");
  EXPECT_EQ(refused.problem(), refused.error);
  EXPECT_FALSE(refused.sum_received.has_value());
  EXPECT_FALSE(refused.has_test_start);

  Iperf3Result route = parse_ok(
      "esnet-issue545-iperf3.0.11-no-route-to-host-error-system_info-trailing-newline.json");
  EXPECT_EQ(route.error, "error - unable to connect to server: No route to host");
  EXPECT_EQ(route.version, "iperf 3.0.11");

  Iperf3Result closed = parse_ok("cloudpilot-iperf3.6-error-control-socket-closed-empty-end.json");
  EXPECT_EQ(closed.error, "error - control socket has closed unexpectedly");
  EXPECT_EQ(closed.local_host, "10.4.1.8");
}

TEST(Iperf3, SilentFailureWithoutErrorMember) {
  Iperf3Result r = parse_ok("cloudpilot-iperf3.9-no-test_start-empty-intervals-no-error.json");
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.has_test_start);
  EXPECT_NE(r.problem(), "");  // no figures: the caller must not read 0 bit/s as a result
}

TEST(Iperf3, RealTcpWithRetransmits) {
  Iperf3Result r = parse_ok("cloudpilot-iperf3.9-tcp-7.2gbps-omit3-retransmits1663.json");
  EXPECT_EQ(r.problem(), "");
  EXPECT_EQ(r.sum_sent->retransmits, 1663U);
  EXPECT_NEAR(r.sum_received->bits_per_second / 1e9, 7.2, 0.1);
}

TEST(Iperf3, ConcatenatedDocuments) {
  std::string text = data_file("iperf3", "cloudpilot-two-concatenated-json-documents.json");
  auto first = parse_iperf3_json(text);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto all = parse_iperf3_json_all(text);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].sum_received.has_value(), first->sum_received.has_value());
}

TEST(Iperf3, MinusNanIsSanitised) {
  std::string fragment = data_file(
      "iperf3", "FRAGMENT-esnet-issue364-iperf3.0.11-udp-interval-lost_percent-minus-nan.json");
  std::string doc =
      "{\"start\": {\"test_start\": {\"protocol\": \"UDP\"}}, \"end\": {" + fragment + "}}";
  auto r = parse_iperf3_json(doc);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->sum.has_value());
  EXPECT_FALSE(r->sum->lost_percent.has_value());  // -nan → null
  EXPECT_NEAR(r->sum->jitter_ms.value_or(0), 0.452296, 1e-9);
  EXPECT_EQ(sanitize_iperf3_json(R"({"a": -nan, "b": "-nan", "c": [nan, 1]})"),
            R"({"a": null, "b": "-nan", "c": [null, 1]})");
  // The bare fragment is not a document: a clean error, no crash.
  EXPECT_FALSE(parse_iperf3_json(fragment).ok());
}

TEST(Iperf3, EmptyGarbageTruncated) {
  auto empty = parse_iperf3_json("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "KILN-PARSE-IPERF3");
  EXPECT_FALSE(parse_iperf3_json("iperf3: error - unable to connect\n").ok());
  auto half = parse_iperf3_json(testing::first_half(data_file("iperf3", "tcp.json")));
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("truncated"), std::string::npos);
  EXPECT_FALSE(parse_iperf3_json_all("").ok());
}

}  // namespace
}  // namespace kiln::tools
