// disk-perf stage: the reference fio suite, its limits, and when writes run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/failure_code_ledger.hpp"
#include "runner/stages/disk_fixture.hpp"

namespace kiln::runner::testing {
namespace {

using ::testing::HasSubstr;

bool ran_rw(const FakeHostAdapter& host, const std::string& rw) {
  for (const auto& argv : host.calls()) {
    if (!argv.empty() && argv[0] == "fio" &&
        std::find(argv.begin(), argv.end(), "--rw=" + rw) != argv.end())
      return true;
  }
  return false;
}

const std::optional<catalog::ComponentIdentity>& iops_hardware(const StageHarness& h) {
  static const std::optional<catalog::ComponentIdentity> kNone;
  const auto* m = h.find_measurement("rand_read_iops");
  return m != nullptr ? m->hardware : kNone;
}

struct PerfHarness : DiskHarness {
  PerfHarness() {
    options.disks = {"/dev/sdb"};
    host.set_file("/sys/class/block/sdb/device/serial", "SN-PERF-1\n");
    host.on({"fio"}, FakeHostAdapter::exited(0, test_data("fio", "fio.json")));
    param("runtime", "1s");
  }
};

TEST(DiskPerfStage, ReadJobsOnlyWhenTheRunIsNotConfirmed) {
  PerfHarness h;
  h.options.destructive_confirmed = false;
  h.param("write", "true");
  EXPECT_EQ(h.run("disk-perf"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(ran_rw(h.host, "read"));
  EXPECT_TRUE(ran_rw(h.host, "randread"));
  EXPECT_FALSE(ran_rw(h.host, "write"));
  EXPECT_FALSE(ran_rw(h.host, "randwrite"));
  EXPECT_THAT(h.logs(), HasSubstr("read jobs only"));
}

TEST(DiskPerfStage, WriteJobsRunWhenAllowed) {
  PerfHarness h;
  h.param("write", "true");
  h.param("iodepth", "16");
  EXPECT_EQ(h.run("disk-perf"), Outcome::pass()) << h.errors();
  EXPECT_TRUE(h.host.ran({"fio", "--name=rand_write", "--filename=/dev/sdb", "--rw=randwrite",
                          "--bs=4k", "--iodepth=16"}));
  EXPECT_TRUE(h.host.ran(
      {"fio", "--name=seq_write", "--filename=/dev/sdb", "--rw=write", "--bs=1M", "--iodepth=8"}));
  ASSERT_NE(h.find_measurement("rand_write_iops", "SN-PERF-1"), nullptr);
  ASSERT_NE(h.find_measurement("rand_read_p99_latency", "SN-PERF-1"), nullptr);
}

TEST(DiskPerfStage, SignatureRefusesWritesButReadsStillRun) {
  PerfHarness h;
  h.param("write", "true");
  h.host.on({"blkid", "-p", "-o", "export", "/dev/sdb"}, FakeHostAdapter::exited(0, "TYPE=xfs\n"));
  EXPECT_EQ(h.run("disk-perf"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("refusing fio write jobs on /dev/sdb"));
  EXPECT_THAT(h.errors(), HasSubstr("filesystem signature xfs"));
  EXPECT_FALSE(ran_rw(h.host, "write"));
  EXPECT_FALSE(ran_rw(h.host, "randwrite"));
  EXPECT_TRUE(ran_rw(h.host, "randread"));
}

TEST(DiskPerfStage, BelowTheTenderFiguresFailsNamingTheDisk) {
  PerfHarness h;
  h.config.limits["fio.rand_read_min_iops"] = 1e9;
  EXPECT_EQ(h.run("disk-perf"), Outcome::fail());
  KILN_EXPECT_FAILURE(
      h.record, "KILN-DISK-PERF-BELOW-TENDER",
      "disk SN-PERF-1 (/dev/sdb, ATA port 2): fio rand_read (randread 4k, queue depth 32) "
      "measured 80.3 MB/s, 19607 IOPS, p99 latency 1286 us; the tender requires rand_read_iops >= "
      "1000000000 IOPS (limits.fio.rand_read_min_iops) \u2014 check the disk's model and "
      "firmware, its link (PCIe/SATA) speed and the controller's write cache");
  ASSERT_TRUE(iops_hardware(h));
  EXPECT_EQ(iops_hardware(h)->model, "RIG-SATA-DISK");
  const auto* iops = h.find_measurement("rand_read_iops");
  ASSERT_NE(iops, nullptr);
  EXPECT_FALSE(iops->passed());
  EXPECT_TRUE(iops->key_figure);
}

TEST(DiskPerfStage, FioFailingToOpenTheDiskIsError) {
  PerfHarness h;
  h.host.on({"fio"}, FakeHostAdapter::exited(1, test_data("fio", "fio-bad.json"),
                                             test_data("fio", "fio-bad.err")));
  EXPECT_EQ(h.run("disk-perf"), Outcome::error());
  EXPECT_THAT(h.errors(), HasSubstr("fio-failed"));
}

TEST(DiskPerfStage, NoDisksIsSkip) {
  StageHarness h;
  EXPECT_EQ(h.run("disk-perf"), Outcome::skip());
}

}  // namespace
}  // namespace kiln::runner::testing
