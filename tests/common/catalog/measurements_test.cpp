// The catalog's measurements: found by name (placeholders included), and
// grouped across a delivery by role, never by serial or MAC.
#include "kiln/catalog/measurements.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kiln/catalog/stages.hpp"
#include "kiln/limits_catalog.hpp"

namespace kiln::catalog {
namespace {

TEST(Measurements, FoundByNameWithPlaceholdersAndThroughAnEmbeddedStage) {
  const auto* cpu = find_measurement("cpu", "stress_ng_cpu_matrixprod_bogo_ops_per_s");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->batch, BatchBy::kNode);
  ASSERT_NE(find_measurement("network", "tcp_rx_gbps"), nullptr);
  EXPECT_EQ(find_measurement("network", "tcp__gbps"), nullptr);  // a placeholder is never empty
  EXPECT_EQ(find_measurement("disk-perf", "seq_read_bandwidth")->better, Better::kHigher);
  EXPECT_EQ(find_measurement("disk-perf", "rand_read_p99_latency")->better, Better::kLower);
  EXPECT_NE(find_measurement("memory", "memtest_bandwidth"), nullptr);  // memory runs memtest
  EXPECT_EQ(find_measurement("cpu", "memtest_bandwidth"), nullptr);
  EXPECT_EQ(find_measurement("disk-perf", "seq_read_bandwith"), nullptr);
  // An exact declaration wins over a template that would also match.
  EXPECT_EQ(find_measurement("benchmark", "workload_score")->name, "workload_score");
  EXPECT_EQ(find_measurement("benchmark", "physical_score")->name, "{copies}_score");
}

TEST(Measurements, DisksGroupByModelAndNicsBySpeedNeverBySerialOrMac) {
  const auto& fio = *find_measurement("disk-perf", "seq_read_bandwidth");
  ComponentIdentity a{"disk", "sda", "KILN SATA 960G", "SER-A", "1.0", "/dev/sda", {}};
  ComponentIdentity b{"disk", "sdb", "KILN SATA 960G", "SER-B", "1.1", "/dev/sdb", {}};
  EXPECT_EQ(batch_key("disk-perf", fio, "seq_read_bandwidth", "disk SER-A (/dev/sda)", &a),
            "disk-perf.seq_read_bandwidth[disk model KILN SATA 960G]");
  EXPECT_EQ(batch_key("disk-perf", fio, "seq_read_bandwidth", "disk SER-A (/dev/sda)", &a),
            batch_key("disk-perf", fio, "seq_read_bandwidth", "disk SER-B (/dev/sdb)", &b));
  EXPECT_EQ(batch_key("disk-perf", fio, "seq_read_bandwidth", "disk /dev/loop3", nullptr),
            "disk-perf.seq_read_bandwidth[disk model unknown]");
  const auto& tcp = *find_measurement("network", "tcp_tx_gbps");
  ComponentIdentity nic{"nic", "eno1", "", "02:00:00:00:00:01", "", "0000:3b:00.0", 25000};
  EXPECT_EQ(batch_key("network", tcp, "tcp_tx_gbps", "NIC eno1 (MAC 02:00:00:00:00:01)", &nic),
            "network.tcp_tx_gbps[NIC 25000 Mb/s]");
  const auto& bad_blocks = *find_measurement("disk", "bad_blocks");
  EXPECT_EQ(batch_key("disk", bad_blocks, "bad_blocks", "disk X", &a), "");  // not a figure
}

TEST(Measurements, EveryDeclarationIsWhole) {
  std::set<std::string> limits;
  for (const auto& l : limit_catalog()) limits.emplace(l.name);
  for (const auto& m : measurements()) {
    EXPECT_NE(find_stage(m.stage), nullptr) << m.name;
    EXPECT_FALSE(m.description.empty()) << m.name;
    if (m.better) {
      EXPECT_NE(m.batch, BatchBy::kNone) << m.name;
      EXPECT_FALSE(m.label.empty()) << m.name;
      EXPECT_FALSE(m.hint.empty()) << m.name;
    }
    for (auto l : allowed_values(m.limits)) EXPECT_TRUE(limits.contains(std::string(l))) << l;
  }
}

TEST(Measurements, IdentityRoundTripsAsHardwareInfo) {
  ComponentIdentity c{"disk", "sdb", "KILN SATA 960G", "SER-B", "1.1", "/dev/sdb", {}};
  auto j = to_json(c);
  EXPECT_EQ(j["serialNumber"], "SER-B");
  EXPECT_EQ(j["partNumber"], "KILN SATA 960G");
  auto back = identity_from_json(j);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->serial, "SER-B");
  EXPECT_EQ(back->model, "KILN SATA 960G");
  EXPECT_FALSE(identity_from_json(nlohmann::json("garbage")));
}

}  // namespace
}  // namespace kiln::catalog
