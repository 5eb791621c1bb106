// Judging one NIC: throughput against network.min_gbps and
// network.min_link_fraction x the slower negotiated speed; UDP loss.
#include "stages/network/nic_judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "stages/builtin_stages.hpp"

namespace kiln::runner::network {
namespace {

using ::testing::HasSubstr;

tools::Iperf3Sum sum(double bps) {
  tools::Iperf3Sum s;
  s.bits_per_second = bps;
  s.seconds = 10;
  return s;
}

TestRun tcp_client_run(double bps, std::uint32_t partner_speed) {
  TestRun r;
  r.pair = Pair{1, "A", "B", false, false};
  r.partner = "B";
  r.partner_addr = "10.0.0.2";
  r.kind = TestKind::kTcp;
  r.partner_speed_mbps = partner_speed;
  tools::Iperf3Result res;
  res.sum_sent = sum(bps);
  res.sum_sent->retransmits = 7;
  res.sum_received = sum(bps);
  r.result = res;
  return r;
}

struct Judged {
  StageRecord record;
  StepRecorder step{record, nullptr};
  int failures = 0;
  std::vector<std::string> fails() const {
    std::vector<std::string> out;
    for (const auto& d : record.diagnoses) {
      if (d.type == DiagnosisType::kFail)
        out.push_back(d.verdict + ": " + d.message + " @" + d.component);
    }
    return out;
  }
};

void judge(Judged& j, std::uint32_t own_speed, const TestRun& r, LimitValues limits) {
  // As tested_interface.cpp reads it from sysfs on an Intel E810 port.
  TestedInterface nic{"eth0",       "aa:bb:cc:dd:ee:ff", "0000:3b:00.0", "10.0.0.1",
                      "10.0.0.255", own_speed,           "ice 8086:1592"};
  ResolvedConfig config;
  config.limits = std::move(limits);
  InterfaceRun run;
  run.runs.push_back(r);
  j.failures = judge_interface(j.step, nic, run, config);
}

TEST(NicJudge, SlowLinkFailsNamingNicAndPartner) {
  Judged j;
  judge(j, 10000, tcp_client_run(0.4e9, 10000), {{"network.min_gbps", 1.0}});
  EXPECT_EQ(j.failures, 1);
  ASSERT_EQ(j.fails().size(), 1U);
  KILN_EXPECT_FAILURE(j.record, "KILN-NIC-THROUGHPUT-LOW",
                      "NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI 0000:3b:00.0): tcp send to B "
                      "(10.0.0.2) at 0.400 Gbit/s; the tender requires >= 1 Gbit/s "
                      "(limits.network.min_gbps) \u2014 check the cable, transceiver, switch port "
                      "and NIC firmware (the partner's report tells whether it is this link)");
  EXPECT_THAT(j.fails()[0], HasSubstr("@NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI 0000:3b:00.0)"));
  EXPECT_EQ(j.step.outcome(), Outcome::fail());
  // The figure carries the NIC's identity: its batch is the 10 Gb/s class.
  const auto& m = j.record.measurements.front();
  ASSERT_TRUE(m.hardware);
  EXPECT_EQ(m.hardware->serial, "aa:bb:cc:dd:ee:ff");
  EXPECT_EQ(m.hardware->location, "0000:3b:00.0");
  EXPECT_EQ(m.hardware->speed_mbps, 10000U);
  EXPECT_EQ(m.hardware->model, "ice 8086:1592");
}

TEST(NicJudge, LinkFractionUsesTheSlowerSpeedOfThePair) {
  Judged j;  // 25G here, 10G there: 0.9 x 10 G = 9 Gbit/s
  judge(j, 25000, tcp_client_run(9.2e9, 10000), {{"network.min_link_fraction", 0.9}});
  EXPECT_EQ(j.failures, 0);
  Judged k;
  judge(k, 25000, tcp_client_run(8.5e9, 10000), {{"network.min_link_fraction", 0.9}});
  EXPECT_EQ(k.failures, 1);
}

TEST(NicJudge, UnknownSpeedJudgesOnlyMinGbps) {
  Judged j;
  judge(j, 0, tcp_client_run(2e9, 0),
        {{"network.min_link_fraction", 0.9}, {"network.min_gbps", 1.0}});
  EXPECT_EQ(j.failures, 0);
  ASSERT_FALSE(j.record.measurements.empty());
  const auto& m = j.record.measurements.front();
  EXPECT_EQ(m.name, "tcp_tx_gbps");
  ASSERT_EQ(m.checks.size(), 1U);
  EXPECT_EQ(m.checks[0].limit.name, "limits.network.min_gbps");
}

TEST(NicJudge, ServerSideOfAReverseTestIsItsTransmit) {
  TestRun r = tcp_client_run(3e9, 10000);
  r.kind = TestKind::kTcpReverse;
  r.is_client = false;
  Judged j;
  judge(j, 10000, r, {});
  EXPECT_EQ(j.record.measurements.front().name, "tcp_tx_gbps");
}

TEST(NicJudge, UdpLossOverLimitFails) {
  TestRun r = tcp_client_run(1e9, 10000);
  r.kind = TestKind::kUdp;
  r.result->sum_received->lost_percent = 3.0;
  r.result->sum_received->jitter_ms = 0.01;
  Judged j;
  judge(j, 10000, r, {{"network.udp_loss_max_percent", 1.0}, {"network.udp_jitter_max_ms", 1.0}});
  EXPECT_EQ(j.failures, 1);
  KILN_EXPECT_FAILURE(j.record, "KILN-NIC-UDP-LOSS",
                      "NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI 0000:3b:00.0): udp with B (10.0.0.2) "
                      "lost 3.000 % of its datagrams; the tender allows <= 1 % "
                      "(limits.network.udp_loss_max_percent) \u2014 check the cable, "
                      "transceiver, switch port and NIC firmware (the partner's report tells "
                      "whether it is this link)");
}

TEST(NicJudge, UdpJitterOverLimitFails) {
  TestRun r = tcp_client_run(1e9, 10000);
  r.kind = TestKind::kUdpReverse;
  r.result->sum_received->lost_percent = 0.0;
  r.result->sum_received->jitter_ms = 2.5;
  Judged j;
  judge(j, 10000, r, {{"network.udp_loss_max_percent", 1.0}, {"network.udp_jitter_max_ms", 1.0}});
  EXPECT_EQ(j.failures, 1);
  KILN_EXPECT_FAILURE(j.record, "KILN-NIC-UDP-JITTER",
                      "NIC eth0 (MAC aa:bb:cc:dd:ee:ff, PCI 0000:3b:00.0): udp-reverse with B "
                      "(10.0.0.2): jitter 2.500 ms; the tender allows <= 1 ms "
                      "(limits.network.udp_jitter_max_ms) \u2014 check the cable, transceiver, "
                      "switch port and NIC firmware (the partner's report tells whether it is "
                      "this link)");
}

TEST(NetworkStage, DeclaresItselfAndErrorsWithoutKey) {
  auto stage = make_network_stage();
  EXPECT_EQ(stage->info().name, "network");
  EXPECT_FALSE(stage->info().destructive);
  SystemHostAdapter host{"/nonexistent-root"};
  ResolvedConfig config;
  auto params = StageParams::bind("network", stage->info().params, {});
  ASSERT_TRUE(params);
  StageRecord record;
  StepRecorder step{record, nullptr};
  RunOptions options;
  NodeIdentity node;
  node.fru.product_serial = "SN1";
  StageContext ctx{host, config, *params, step, options, node, "/tmp", nullptr};
  stage->run(ctx);
  EXPECT_EQ(step.outcome(), Outcome::error());
  ASSERT_FALSE(record.errors.empty());
  EXPECT_EQ(record.errors[0].symptom, "network-no-key");
}

}  // namespace
}  // namespace kiln::runner::network
